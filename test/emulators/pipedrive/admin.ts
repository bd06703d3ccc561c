// /__admin/* endpoints: the Pipedrive emulator's test knobs over HTTP, for the standalone
// process (the demo, benchmarks, other-language tools). Loopback only and unauthenticated by design.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminRequest, handleCommonAdmin } from '../admin-common.ts';
import { sendJson } from '../http-server.ts';
import type { PipedriveEmulator } from './pipedrive-emulator.ts';
import { dealBody, organizationBody, personBody } from './pipedrive-store.ts';

/**
 * GET  /__admin/stats · POST /__admin/stats/reset · GET|POST /__admin/settings · /__admin/faults/* (admin-common.ts)
 * POST /__admin/fail-next {count, status?}             → 204
 * POST /__admin/revoke-token · /__admin/restore-token  → 204
 * POST /__admin/drop-response-after-commit {count?}    → 204
 * GET  /__admin/notes                                  → EmulatedNote[]
 * GET  /__admin/persons · /__admin/organizations · /__admin/deals → the records as the v2 API shows them
 * POST /__admin/persons {email, name, company?, website?, ownerId?, jobTitle?, phone?, labelId?, openDeal?} → {id}
 */
export async function handleAdmin(emulator: PipedriveEmulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const request = adminRequest(req, res, url);
  const { method, path, body, noContent } = request;
  try {
    if (await handleCommonAdmin(emulator, request, res)) return;
    if (method === 'POST' && path === '/fail-next') {
      const { count, status } = await body();
      emulator.failNext(Number(count ?? 1), Number(status ?? 503));
      return noContent();
    }
    if (method === 'POST' && path === '/revoke-token') return (emulator.revokeToken(), noContent());
    if (method === 'POST' && path === '/restore-token') return (emulator.restoreToken(), noContent());
    if (method === 'POST' && path === '/drop-response-after-commit') {
      const { count } = await body();
      emulator.dropResponseAfterCommit(Number(count ?? 1));
      return noContent();
    }
    if (method === 'GET' && path === '/notes') return sendJson(res, 200, emulator.notes());
    if (method === 'GET' && path === '/persons') return sendJson(res, 200, [...emulator.store.persons.values()].map(personBody));
    if (method === 'GET' && path === '/organizations') return sendJson(res, 200, [...emulator.store.organizations.values()].map(organizationBody));
    if (method === 'GET' && path === '/deals') return sendJson(res, 200, [...emulator.store.deals.values()].map(dealBody));
    if (method === 'POST' && path === '/persons') {
      const p = await body();
      if (typeof p.email !== 'string' || typeof p.name !== 'string') return sendJson(res, 400, { error: 'email and name required' });
      return sendJson(res, 200, { id: emulator.addPerson(p as unknown as Parameters<PipedriveEmulator['addPerson']>[0]) });
    }
    sendJson(res, 404, { error: `no admin endpoint ${method} ${path}` });
  } catch (error) {
    sendJson(res, 400, { error: String(error) });
  }
}
