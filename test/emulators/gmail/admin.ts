// /__admin/* endpoints: the emulator's test knobs over HTTP, for the standalone process that
// benchmarks and other-language tools drive. Loopback only and unauthenticated by design.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http-server.ts';
import { adminRequest, handleCommonAdmin } from '../admin-common.ts';
import type { GmailEmulator } from './gmail-emulator.ts';

/**
 * GET  /__admin/stats                  → GmailEmulatorStats
 * POST /__admin/stats/reset            → 204 (also refills quota buckets)
 * GET  /__admin/settings               → GmailEmulatorSettings
 * POST /__admin/settings {…partial}    → merged GmailEmulatorSettings; 400 on unknown keys or wrong types
 * POST /__admin/fail-next {count, status?}   → 204
 * POST /__admin/expire-history         → {historyId}
 * POST /__admin/messages {raw (base64/base64url RFC 822), labelIds?} → {id, threadId, historyId}
 * POST /__admin/messages/{id}/modify {addLabelIds?, removeLabelIds?} → {id, labelIds, historyId}
 * DELETE /__admin/messages/{id}        → 204, 404 when unknown
 * GET  /__admin/messages/{id}          → GmailMessageState {id, threadId, labelIds, historyId, messageId}, 404 when unknown
 * GET  /__admin/sent                   → {messages: [{id, threadId, messageId, labelIds, raw (base64url), internalDate, answerDropped}], counts: {messageId: n}}
 * GET  /__admin/sent/count?messageId=… → {messageId, count} (accepted messages.send calls; angle brackets optional)
 * POST /__admin/sent/reset             → 204
 * Faults (admin-common.ts): GET /__admin/faults; POST /__admin/faults/commit-then-drop {count} → 204
 */
export async function handleAdmin(emulator: GmailEmulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const request = adminRequest(req, res, url);
  const { method, path, body, noContent } = request;
  try {
    if (await handleCommonAdmin(emulator, request, res)) return;
    if (method === 'POST' && path === '/fail-next') {
      const { count, status } = await body();
      emulator.failNext(Number(count ?? 1), Number(status ?? 503));
      return noContent();
    }
    if (method === 'POST' && path === '/expire-history') {
      emulator.expireHistory();
      return sendJson(res, 200, { historyId: emulator.historyId });
    }
    if (method === 'POST' && path === '/messages') {
      const { raw, labelIds } = await body();
      if (typeof raw !== 'string') return sendJson(res, 400, { error: 'raw (base64url) required' });
      const m = emulator.addMessage(Buffer.from(raw, 'base64url'), Array.isArray(labelIds) ? labelIds.map(String) : undefined);
      return sendJson(res, 200, { id: m.id, threadId: m.threadId, historyId: String(m.historyId) });
    }
    const modify = /^\/messages\/([0-9a-f]+)\/modify$/.exec(path);
    if (method === 'POST' && modify) {
      const { addLabelIds, removeLabelIds } = await body();
      const m = emulator.modifyLabels(modify[1]!, toList(addLabelIds), toList(removeLabelIds));
      if (!m) return sendJson(res, 404, { error: 'no such message' });
      return sendJson(res, 200, { id: m.id, labelIds: [...m.labelIds], historyId: String(m.historyId) });
    }
    if (method === 'GET' && path === '/sent') {
      const messages = emulator.sentMessages().map((m) => ({ ...m, raw: m.raw.toString('base64url'), internalDate: String(m.internalDate) }));
      return sendJson(res, 200, { messages, counts: emulator.sendCounts() });
    }
    if (method === 'GET' && path === '/sent/count') {
      const messageId = url.searchParams.get('messageId') ?? '';
      return sendJson(res, 200, { messageId, count: emulator.sendCount(messageId) });
    }
    if (method === 'POST' && path === '/sent/reset') return (emulator.clearSent(), noContent());
    const remove = /^\/messages\/([0-9a-f]+)$/.exec(path);
    if (method === 'GET' && remove) {
      const state = emulator.messageState(remove[1]!);
      return state ? sendJson(res, 200, state) : sendJson(res, 404, { error: 'no such message' });
    }
    if (method === 'DELETE' && remove) {
      if (!emulator.deleteMessage(remove[1]!)) return sendJson(res, 404, { error: 'no such message' });
      return noContent();
    }
    sendJson(res, 404, { error: `no admin endpoint ${method} ${path}` });
  } catch (error) {
    sendJson(res, 400, { error: String(error) });
  }
}

function toList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
