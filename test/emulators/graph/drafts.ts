// Drafts and "send later" held by the server: POST /messages makes a draft from base64 MIME,
// POST /messages/{id}/send hands it to transport. A draft whose PR_DEFERRED_SEND_TIME is ahead
// waits in the Outbox (isDraft false) until DeferredDelivery moves it to Sent Items.
// Sources: https://learn.microsoft.com/graph/api/user-post-messages (MIME format),
//          https://learn.microsoft.com/graph/api/message-send
import { GraphApiError, itemNotFound } from './graph-errors.ts';
import { deferredSendMs, type GraphFolder, type GraphMessage } from './mailbox.ts';
import { messageGet, type ApiContext, type ApiRequest, type ApiResult } from './api-common.ts';
import { fromMime } from './send-mail.ts';

/**
 * 201 with the draft (isDraft true, read, in Drafts or the addressed folder), its MIME stored
 * byte for byte with the client's Message-ID as internetMessageId. Errors: those of sendMail's
 * MIME form (400 ErrorMimeContentInvalidBase64String, 400 ErrorInvalidRecipients); 501 for the
 * JSON form, which the emulator does not serve.
 */
export async function createDraft(ctx: ApiContext, req: ApiRequest, folder: GraphFolder | null): Promise<ApiResult> {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('text/plain')) throw new GraphApiError(501, 'NotImplemented', 'The emulator creates drafts from MIME (Content-Type: text/plain) only.');
  const raw = fromMime(await req.body());
  const draft = ctx.mailbox.add(raw, folder ?? ctx.mailbox.folder('drafts')!, { isRead: true, receivedMs: Date.now(), referencesOnly: true, isDraft: true });
  return messageGet(ctx, draft, req.query, req.headers, 201);
}

/**
 * 202 with no body. A deferred send time ahead of now: the message moves to the Outbox and is
 * `held` (delivered later); otherwise it moves to Sent Items and is `sent` at once, as sendMail.
 * A message that is not a draft (already sent, or held in the Outbox) answers 404
 * ErrorItemNotFound "The specified object was not found in the store.", what Graph answers
 * for a non-draft id (https://github.com/rlrghb/olkcli/issues/118, item 3).
 */
export function sendDraft(ctx: ApiContext, draft: GraphMessage, now = Date.now()): ApiResult {
  if (!draft.isDraft) throw itemNotFound();
  const until = deferredSendMs(draft);
  if (until !== null && until > now) {
    const held = ctx.mailbox.submit(draft.id, ctx.mailbox.folder('outbox')!)!;
    return { status: 202, held: { id: held.immutableId } };
  }
  const sent = ctx.mailbox.submit(draft.id, ctx.mailbox.folder('sentitems')!)!;
  return { status: 202, sent: { raw: sent.raw, id: sent.immutableId } };
}
