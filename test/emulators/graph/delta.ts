// Delta query for messages in a folder, with Graph's semantics: a round of pages joined by
// @odata.nextLink ($skiptoken) ending in @odata.deltaLink ($deltatoken); a later deltaLink
// returns only what changed since, removals as {"id", "@removed": {"reason": "deleted"}}.
// Tokens are opaque: HMAC-signed state, so altered or foreign ones are rejected, and a test
// can expire them (410 syncStateNotFound). Source: https://learn.microsoft.com/en-us/graph/delta-query-messages
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { invalidSyncState, syncStateNotFound } from './graph-errors.ts';
import type { GraphFolder, GraphMailbox } from './mailbox.ts';
import { messageText, type MessageView } from './resources.ts';

/** The state a token carries: folder, the round's bounds (seq numbers), paging cursor, $select. */
export interface DeltaState {
  /** "skip" (nextLink, mid-round) or "delta" (deltaLink, a finished round). */
  kind: 'skip' | 'delta';
  folderId: string;
  /** Changes after this seq belong to the round (0 = first sync: current messages only). */
  since: number;
  /** The round's upper bound: changes after it wait for the next round. */
  upper: number;
  /** Within a round: the seq of the last change already returned. */
  after: number;
  select: string[] | null;
  /** Issue serial, compared against expiry marks. */
  serial: number;
}

export class DeltaTokens {
  readonly #key = randomBytes(32);
  #serial = 0;
  #expiredBefore = 0;
  readonly #folderExpiredBefore = new Map<string, number>();

  issue(state: Omit<DeltaState, 'serial'>): string {
    const payload = Buffer.from(JSON.stringify([state.kind === 'skip' ? 's' : 'd', state.folderId, state.since, state.upper,
      state.after, state.select?.join(',') ?? null, (this.#serial += 1)]));
    return Buffer.concat([this.#sign(payload), payload]).toString('base64url');
  }

  /**
   * Verifies and decodes `token` of the expected kind. Errors: 400 ErrorInvalidSyncStateData
   * when it was not issued here (or was altered); 410 syncStateNotFound when it was expired.
   */
  read(token: string, kind: DeltaState['kind']): DeltaState {
    const bytes = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url') : Buffer.alloc(0);
    if (bytes.length <= 16) throw invalidSyncState();
    const payload = bytes.subarray(16);
    if (!timingSafeEqual(bytes.subarray(0, 16), this.#sign(payload))) throw invalidSyncState();
    const [k, folderId, since, upper, after, select, serial] = JSON.parse(payload.toString('utf8')) as
      [string, string, number, number, number, string | null, number];
    if (k !== (kind === 'skip' ? 's' : 'd')) throw invalidSyncState();
    if (serial <= this.#expiredBefore || serial <= (this.#folderExpiredBefore.get(folderId) ?? 0)) throw syncStateNotFound();
    return { kind, folderId, since, upper, after, select: select === null ? null : select.split(','), serial };
  }

  /** Every token issued so far (for one folder id, or all) now answers 410 syncStateNotFound. */
  expire(folderId?: string): void {
    if (folderId) this.#folderExpiredBefore.set(folderId, this.#serial);
    else this.#expiredBefore = this.#serial;
  }

  #sign(payload: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest().subarray(0, 16);
  }
}

export interface DeltaRequest {
  folder: GraphFolder;
  /** Verified state from $skiptoken/$deltatoken; null starts a first sync. */
  state: DeltaState | null;
  select: string[] | null;
  pageSize: number;
  view: MessageView;
  /** https://host:port/v1.0 (links are absolute, as Graph's are). */
  base: string;
}

/** One delta page as JSON text: @odata.context, then nextLink or deltaLink, then value. */
export function deltaPage(mailbox: GraphMailbox, tokens: DeltaTokens, req: DeltaRequest): { json: string; count: number } {
  const { folder } = req;
  const state = req.state;
  const select = state ? state.select : req.select;
  // A deltaLink starts a new round bounded by now; a skiptoken continues its round.
  const since = state ? (state.kind === 'delta' ? state.upper : state.since) : 0;
  const upper = state?.kind === 'skip' ? state.upper : mailbox.seq;
  const after = state?.kind === 'skip' ? state.after : since;
  const page = mailbox.changes(folder, after, upper, since > 0, req.pageSize);
  const items: string[] = [];
  for (const event of page.events) {
    const m = event.removed ? undefined : mailbox.get(event.id);
    if (!m) {
      items.push(JSON.stringify({ id: req.view.idType === 'immutable' ? event.immutableId : event.id, '@removed': { reason: 'deleted' } }));
      continue;
    }
    const text = messageText(mailbox, m, select, req.view);
    items.push('{"@odata.type":"#microsoft.graph.message",' + text.slice(1));
  }
  const link = `${req.base}/me/mailFolders('${folder.id}')/messages/delta`;
  const next = page.done
    ? `"@odata.deltaLink":${JSON.stringify(`${link}?$deltatoken=${tokens.issue({ kind: 'delta', folderId: folder.id, since, upper, after: upper, select })}`)}`
    : `"@odata.nextLink":${JSON.stringify(`${link}?$skiptoken=${tokens.issue({
      kind: 'skip', folderId: folder.id, since, upper, after: page.events.at(-1)!.seq, select })}`)}`;
  const context = JSON.stringify(`${req.base}/$metadata#Collection(message)`);
  return { json: `{"@odata.context":${context},${next},"value":[${items.join(',')}]}`, count: items.length };
}

/** `$deltatoken=latest`: no items, just a deltaLink from now on (Graph's "latest" shortcut). */
export function latestDeltaLink(mailbox: GraphMailbox, tokens: DeltaTokens, req: DeltaRequest): string {
  const upper = mailbox.seq;
  const token = tokens.issue({ kind: 'delta', folderId: req.folder.id, since: upper, upper, after: upper, select: req.select });
  return JSON.stringify({
    '@odata.context': `${req.base}/$metadata#Collection(message)`,
    '@odata.deltaLink': `${req.base}/me/mailFolders('${req.folder.id}')/messages/delta?$deltatoken=${token}`,
    value: [],
  });
}
