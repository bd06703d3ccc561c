// The /__admin knobs every emulator shares — stats, resetting them, reading and patching
// settings — so each emulator's admin.ts only adds its own faults and mutations.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-server.ts';

export interface AdminRequest {
  method: string;
  /** The path after /__admin, e.g. /stats. */
  path: string;
  /** The JSON body as an object ({} when empty). Throws SyntaxError on bad JSON. */
  body(): Promise<Record<string, unknown>>;
  noContent(): void;
}

export function adminRequest(req: IncomingMessage, res: ServerResponse, url: URL): AdminRequest {
  return {
    method: req.method ?? 'GET',
    path: url.pathname.slice('/__admin'.length),
    body: async () => {
      const bytes = await readBody(req);
      return bytes.length ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>) : {};
    },
    noContent: () => void res.writeHead(204).end(),
  };
}

interface AdministeredEmulator {
  stats(): unknown;
  resetStats(): void;
  settings: object;
}

/**
 * GET /stats, POST /stats/reset (204), GET /settings, POST /settings {…partial} (merged
 * settings; 400 on an unknown key or a value of another type). Resolves true when handled.
 */
export async function handleCommonAdmin(emulator: AdministeredEmulator, request: AdminRequest, res: ServerResponse): Promise<boolean> {
  const { method, path } = request;
  if (method === 'GET' && path === '/stats') return (sendJson(res, 200, emulator.stats()), true);
  if (method === 'POST' && path === '/stats/reset') return (emulator.resetStats(), request.noContent(), true);
  if (method === 'GET' && path === '/settings') return (sendJson(res, 200, emulator.settings), true);
  if (method === 'POST' && path === '/settings') {
    const patch = await request.body();
    const settings = emulator.settings as Record<string, unknown>;
    for (const [key, value] of Object.entries(patch)) {
      if (!(key in settings) || typeof value !== typeof settings[key]) {
        sendJson(res, 400, { error: `bad setting ${key}` });
        return true;
      }
    }
    Object.assign(settings, patch);
    sendJson(res, 200, settings);
    return true;
  }
  return false;
}
