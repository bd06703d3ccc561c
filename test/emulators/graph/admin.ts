// /__admin/* endpoints: the Graph emulator's test knobs over HTTP, for the standalone process
// that benchmarks and other tools drive. Loopback only and unauthenticated by design.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http-server.ts';
import { adminRequest, handleCommonAdmin } from '../admin-common.ts';
import type { GraphEmulator } from './graph-emulator.ts';
import { FLAG_STATUSES, type FlagStatus } from './mailbox.ts';

/**
 * GET  /__admin/stats                          → GraphEmulatorStats
 * POST /__admin/stats/reset                    → 204
 * GET  /__admin/settings                       → GraphEmulatorSettings
 * POST /__admin/settings {…partial}            → merged settings; 400 on unknown keys or wrong types
 * POST /__admin/fail-next {count, status?, retryAfterSeconds?} → 204
 * POST /__admin/expire-delta {folder?}         → 204 (all tokens, or one folder's)
 * POST /__admin/folders {path}                 → {id, displayName}
 * POST /__admin/messages {raw (base64/base64url RFC 5322), folder?, isRead?} → {id, immutableId, conversationId, parentFolderId}
 * POST /__admin/messages/{id}/move {folder}    → {id, immutableId} (id is new), 404 when unknown
 * POST /__admin/messages/{id}/read {isRead?}   → {id, isRead}, 404 when unknown
 * DELETE /__admin/messages/{id}                → 204, 404 when unknown
 * POST /__admin/messages/{id}/flag {flagStatus} → GraphMessageState, 404 when unknown, 400 for another status
 * GET  /__admin/messages/{id}                   → GraphMessageState {id, immutableId, parentFolderId, folder, isRead, isDraft, flag,
 *                                                  conversationId, internetMessageId, deferredUntil (ms | null)}
 * GET  /__admin/sent                            → {messages: [GraphSentMessage with raw as base64], counts: {internetMessageId (bare): n}}
 * GET  /__admin/sent/count?internetMessageId=…  → {internetMessageId, count} (sends counted; angle brackets optional)
 * GET  /__admin/deferred                        → {messages: [GraphDeferredMessage {id, immutableId, internetMessageId, deferredUntil (ms), folder}]}
 * POST /__admin/deferred/deliver {now? (ms)}    → {delivered: [{id, immutableId, internetMessageId}]} (held messages due by `now` go to Sent Items)
 * POST /__admin/sent/reset                      → 204
 * Faults (admin-common.ts): GET /__admin/faults; POST /__admin/faults/commit-then-drop {count} → 204
 */
export async function handleAdmin(emulator: GraphEmulator, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const request = adminRequest(req, res, url);
  const { method, path, body, noContent } = request;
  try {
    if (await handleCommonAdmin(emulator, request, res)) return;
    if (method === 'POST' && path === '/fail-next') {
      const { count, status, retryAfterSeconds } = await body();
      emulator.failNext(Number(count ?? 1), Number(status ?? 503), Number(retryAfterSeconds ?? 1));
      return noContent();
    }
    if (method === 'POST' && path === '/expire-delta') {
      const { folder } = await body();
      emulator.expireDeltaTokens(typeof folder === 'string' ? folder : undefined);
      return noContent();
    }
    if (method === 'POST' && path === '/folders') {
      const { path: folderPath } = await body();
      if (typeof folderPath !== 'string') return sendJson(res, 400, { error: 'path required' });
      const folder = emulator.createFolder(folderPath);
      return sendJson(res, 200, { id: folder.id, displayName: folder.displayName });
    }
    if (method === 'POST' && path === '/messages') {
      const { raw, folder, isRead } = await body();
      if (typeof raw !== 'string') return sendJson(res, 400, { error: 'raw (base64url) required' });
      const m = emulator.addMessage(Buffer.from(raw, 'base64url'), typeof folder === 'string' ? folder : 'inbox', { isRead: isRead === true });
      return sendJson(res, 200, { id: m.id, immutableId: m.immutableId, conversationId: m.conversationId, parentFolderId: m.folderId });
    }
    if (method === 'GET' && path === '/sent') {
      const messages = emulator.sentMessages().map((m) => ({ ...m, raw: m.raw.toString('base64') }));
      return sendJson(res, 200, { messages, counts: emulator.sendCounts() });
    }
    if (method === 'GET' && path === '/sent/count') {
      const internetMessageId = url.searchParams.get('internetMessageId') ?? url.searchParams.get('messageId') ?? '';
      return sendJson(res, 200, { internetMessageId, count: emulator.sendCount(internetMessageId) });
    }
    if (method === 'POST' && path === '/sent/reset') return (emulator.clearSent(), noContent());
    if (method === 'GET' && path === '/deferred') return sendJson(res, 200, { messages: emulator.deferredMessages() });
    if (method === 'POST' && path === '/deferred/deliver') {
      const { now } = await body();
      if (now !== undefined && typeof now !== 'number') return sendJson(res, 400, { error: 'now (ms since the epoch) must be a number' });
      const delivered = emulator.deliverDue(now ?? Date.now());
      return sendJson(res, 200, { delivered: delivered.map((m) => ({ id: m.id, immutableId: m.immutableId, internetMessageId: m.fixed.internetMessageId })) });
    }
    const action = /^\/messages\/([A-Za-z0-9_=-]+)(?:\/(move|read|flag))?$/.exec(path);
    if (action && method === 'GET' && !action[2]) {
      const state = emulator.messageState(action[1]!);
      return state ? sendJson(res, 200, state) : sendJson(res, 404, { error: 'no such message' });
    }
    if (action && method === 'POST' && action[2] === 'flag') {
      const { flagStatus } = await body();
      if (!FLAG_STATUSES.includes(flagStatus as FlagStatus)) return sendJson(res, 400, { error: `flagStatus one of ${FLAG_STATUSES.join(', ')}` });
      const m = emulator.setFlag(action[1]!, flagStatus as FlagStatus);
      return m ? sendJson(res, 200, emulator.messageState(m.id)) : sendJson(res, 404, { error: 'no such message' });
    }
    if (action && method === 'POST' && action[2] === 'move') {
      const { folder } = await body();
      const m = emulator.moveMessage(action[1]!, String(folder));
      return m ? sendJson(res, 200, { id: m.id, immutableId: m.immutableId }) : sendJson(res, 404, { error: 'no such message' });
    }
    if (action && method === 'POST' && action[2] === 'read') {
      const { isRead } = await body();
      const m = emulator.markRead(action[1]!, isRead !== false);
      return m ? sendJson(res, 200, { id: m.id, isRead: m.isRead }) : sendJson(res, 404, { error: 'no such message' });
    }
    if (action && method === 'DELETE' && !action[2]) {
      return emulator.deleteMessage(action[1]!) ? noContent() : sendJson(res, 404, { error: 'no such message' });
    }
    sendJson(res, 404, { error: `no admin endpoint ${method} ${path}` });
  } catch (error) {
    sendJson(res, 400, { error: String(error) });
  }
}
