// /__admin/* endpoints: the HubSpot emulator's test knobs over HTTP, for the standalone
// process (benchmarks, the demo, other-language tools). Loopback only and unauthenticated by design.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http-server.ts';
import { adminRequest, handleCommonAdmin } from '../admin-common.ts';
import type { HubSpotEmulator } from './hubspot-emulator.ts';

/**
 * GET  /__admin/stats                          → HubSpotEmulatorStats
 * POST /__admin/stats/reset                    → 204 (also empties the rate-limit windows)
 * GET  /__admin/settings                       → HubSpotEmulatorSettings
 * POST /__admin/settings {…partial}            → merged settings; 400 on unknown keys or wrong types
 * POST /__admin/fail-next {count, status?}     → 204
 * POST /__admin/revoke-token                   → 204;  POST /__admin/restore-token → 204
 * POST /__admin/drop-response-after-commit {count?} → 204
 * GET  /__admin/emails                         → EmulatedEmail[]
 * GET  /__admin/emails/{id}/associations       → {contacts, companies, deals} (ids); 404 for an unknown email
 * GET  /__admin/contacts                       → [{id, properties}]
 * POST /__admin/contacts {email, firstname?, lastname?, company?, hubspot_owner_id?} → {id}; 409 on a duplicate
 * GET  /__admin/companies · /__admin/deals     → [{id, properties}]
 * GET  /__admin/daily                          → {limit, used, remaining}
 * POST /__admin/daily {remaining}              → 204 (remaining 0: the next request is a 429 DAILY)
 */
export async function handleAdmin(emulator: HubSpotEmulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
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
    if (method === 'GET' && path === '/emails') return sendJson(res, 200, emulator.emails());
    if (method === 'GET' && path === '/contacts') return sendJson(res, 200, emulator.contacts());
    if (method === 'GET' && path === '/companies') return sendJson(res, 200, emulator.companies());
    if (method === 'GET' && path === '/deals') return sendJson(res, 200, emulator.deals());
    const emailLinks = method === 'GET' ? /^\/emails\/([^/]+)\/associations$/.exec(path) : null;
    if (emailLinks) {
      const links = emulator.emailAssociations(decodeURIComponent(emailLinks[1]!));
      return links ? sendJson(res, 200, links) : sendJson(res, 404, { error: 'no such email' });
    }
    if (method === 'GET' && path === '/daily') return sendJson(res, 200, emulator.dailyUsage());
    if (method === 'POST' && path === '/daily') {
      const { remaining } = await body();
      if (!Number.isInteger(remaining) || (remaining as number) < 0) return sendJson(res, 400, { error: 'remaining must be a non-negative integer' });
      emulator.setDailyRemaining(remaining as number);
      return noContent();
    }
    if (method === 'POST' && path === '/contacts') {
      const c = await body();
      if (typeof c.email !== 'string') return sendJson(res, 400, { error: 'email required' });
      try {
        const id = emulator.addContact({
          email: c.email,
          ...(typeof c.firstname === 'string' ? { firstname: c.firstname } : {}),
          ...(typeof c.lastname === 'string' ? { lastname: c.lastname } : {}),
          ...(typeof c.company === 'string' ? { company: c.company } : {}),
          ...(typeof c.hubspot_owner_id === 'string' ? { hubspot_owner_id: c.hubspot_owner_id } : {}),
        });
        return sendJson(res, 200, { id });
      } catch {
        return sendJson(res, 409, { error: `contact ${c.email} exists` });
      }
    }
    sendJson(res, 404, { error: `no admin endpoint ${method} ${path}` });
  } catch (error) {
    sendJson(res, 400, { error: String(error) });
  }
}
