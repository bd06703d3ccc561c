// The /__admin knobs every emulator shares — stats, resetting them, reading and patching
// settings, transport faults — so each emulator's admin.ts only adds its own faults and mutations.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-server.ts';
import type { TransportFaults } from './transport-faults.ts';

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
  faults?: TransportFaults;
}

/**
 * GET /stats, POST /stats/reset (204), GET /settings, POST /settings {…partial} (merged
 * settings; 400 on an unknown key or a value of another type). With `faults`:
 * GET /faults → {commitThenDropPending, droppedSendAnswers, abandonedStalls};
 * POST /faults/commit-then-drop {count} · /faults/truncate {count} · /faults/stall {count, ms} → 204.
 * Resolves true when handled.
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
  return emulator.faults ? handleFaults(emulator.faults, request, res) : false;
}

async function handleFaults(faults: TransportFaults, request: AdminRequest, res: ServerResponse): Promise<boolean> {
  const { method, path } = request;
  if (method === 'GET' && path === '/faults') {
    sendJson(res, 200, {
      commitThenDropPending: faults.commitThenDropPending,
      droppedSendAnswers: faults.droppedSendAnswers,
      abandonedStalls: faults.abandonedStalls,
    });
    return true;
  }
  if (method !== 'POST' || !['/faults/commit-then-drop', '/faults/truncate', '/faults/stall'].includes(path)) return false;
  const { count, ms } = await request.body();
  const n = Number(count ?? 1);
  if (!Number.isInteger(n) || n < 0) {
    sendJson(res, 400, { error: 'count must be a non-negative integer' });
    return true;
  }
  if (path === '/faults/commit-then-drop') faults.commitThenDropNext(n);
  else if (path === '/faults/truncate') faults.truncateNext(n);
  else faults.stallNext(n, Number(ms ?? 0));
  request.noContent();
  return true;
}
