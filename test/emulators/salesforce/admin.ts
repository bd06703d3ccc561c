// /__admin/* endpoints: the Salesforce emulator's test knobs over HTTP, for tools outside
// the test process. Loopback only and unauthenticated by design.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http-server.ts';
import { adminRequest, handleCommonAdmin } from '../admin-common.ts';
import type { SalesforceEmulator } from './salesforce-emulator.ts';

/**
 * The common knobs (stats, settings, faults; see admin-common.ts) and:
 * POST /__admin/fail-next {count, status?}            → 204
 * POST /__admin/revoke-sessions · /restore-sessions   → 204
 * POST /__admin/drop-response-after-commit {count?}   → 204
 * POST /__admin/api-usage {used}                      → {used, max}
 * GET  /__admin/records/<sObject type>                → the records as stored
 */
export async function handleSalesforceAdmin(emulator: SalesforceEmulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const request = adminRequest(req, res, url);
  const { method, path, body, noContent } = request;
  try {
    if (await handleCommonAdmin(emulator, request, res)) return;
    if (method === 'POST' && path === '/fail-next') {
      const { count, status } = await body();
      emulator.failNext(Number(count ?? 1), Number(status ?? 503));
      return noContent();
    }
    if (method === 'POST' && path === '/revoke-sessions') return (emulator.revokeSessions(), noContent());
    if (method === 'POST' && path === '/restore-sessions') return (emulator.restoreSessions(), noContent());
    if (method === 'POST' && path === '/drop-response-after-commit') {
      const { count } = await body();
      emulator.dropResponseAfterCommit(Number(count ?? 1));
      return noContent();
    }
    if (method === 'POST' && path === '/api-usage') {
      const { used } = await body();
      emulator.setApiUsage(Number(used ?? 0));
      return sendJson(res, 200, emulator.apiUsage());
    }
    const records = /^\/records\/(\w+)$/.exec(path);
    if (method === 'GET' && records) return sendJson(res, 200, emulator.records(records[1]!));
    sendJson(res, 404, { error: `no admin endpoint ${method} ${path}` });
  } catch (error) {
    sendJson(res, 400, { error: String(error) });
  }
}
