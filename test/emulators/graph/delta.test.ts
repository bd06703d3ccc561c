// Delta-round semantics of the Graph emulator without HTTP: paging boundaries, changes made
// mid-round, adds-then-deletes between rounds, token kinds, tampering and per-folder expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeltaTokens, deltaPage, type DeltaState } from './delta.ts';
import { GraphMailbox } from './mailbox.ts';
import { GraphApiError } from './graph-errors.ts';
import { MailboxThrottle } from './throttle.ts';
import { DEFAULT_VIEW } from './resources.ts';

const BASE = 'https://127.0.0.1:1/v1.0';

function mail(n: number, subject = `Order ${n}`): Buffer {
  return Buffer.from(`Message-ID: <m${n}@example.com>\r\nDate: Tue, 3 Nov 2026 10:${String(n % 60).padStart(2, '0')}:00 +0000\r\n` +
    `From: Buyer ${n} <buyer${n}@example.com>\r\nTo: me@mailbridge.test\r\nSubject: ${subject}\r\n\r\nBody ${n}\r\n`);
}

interface Page {
  value: { id: string; '@removed'?: { reason: string }; isRead?: boolean }[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

function setup(count: number): { mailbox: GraphMailbox; tokens: DeltaTokens; ids: string[] } {
  const mailbox = new GraphMailbox('me@mailbridge.test');
  const ids = Array.from({ length: count }, (_, i) => mailbox.add(mail(i), mailbox.folder('inbox')!).id);
  return { mailbox, tokens: new DeltaTokens(), ids };
}

function page(mailbox: GraphMailbox, tokens: DeltaTokens, link: string | null, pageSize = 3, folder = 'inbox'): Page {
  let state: DeltaState | null = null;
  if (link) {
    const params = new URL(link).searchParams;
    state = params.has('$skiptoken') ? tokens.read(params.get('$skiptoken')!, 'skip') : tokens.read(params.get('$deltatoken')!, 'delta');
  }
  const req = { folder: mailbox.folder(folder)!, state, select: ['isRead'], pageSize, view: DEFAULT_VIEW, base: BASE };
  return JSON.parse(deltaPage(mailbox, tokens, req).json) as Page;
}

function round(mailbox: GraphMailbox, tokens: DeltaTokens, link: string | null, pageSize = 3): { items: Page['value']; deltaLink: string; pages: number } {
  const items: Page['value'] = [];
  let pages = 0;
  for (;;) {
    const p = page(mailbox, tokens, link, pageSize);
    pages += 1;
    items.push(...p.value);
    if (p['@odata.deltaLink']) return { items, deltaLink: p['@odata.deltaLink'], pages };
    link = p['@odata.nextLink']!;
  }
}

test('a full round pages exactly: 7 messages in pages of 3 → 3, 3, 1 and then the deltaLink', () => {
  const { mailbox, tokens, ids } = setup(7);
  const r = round(mailbox, tokens, null);
  assert.equal(r.pages, 3);
  assert.deepEqual(r.items.map((m) => m.id), ids);
  const exact = setup(6);
  assert.equal(round(exact.mailbox, exact.tokens, null).pages, 2, 'a full last page carries the deltaLink itself');
});

test('changes made mid-round are not lost: they arrive in this round or the next, never twice in one', () => {
  const { mailbox, tokens, ids } = setup(6);
  const first = page(mailbox, tokens, null);
  mailbox.setRead(ids[0]!, true); // already returned: comes back next round
  mailbox.setRead(ids[4]!, true); // not yet returned: moves past this round's bound
  const added = mailbox.add(mail(99), mailbox.folder('inbox')!);
  const rest = round(mailbox, tokens, first['@odata.nextLink']!);
  const thisRound = [...first.value, ...rest.items].map((m) => m.id);
  assert.equal(new Set(thisRound).size, thisRound.length);
  const next = round(mailbox, tokens, rest.deltaLink);
  const all = new Set([...thisRound, ...next.items.map((m) => m.id)]);
  for (const id of [...ids, added.id]) assert.ok(all.has(id), id);
  assert.ok(next.items.some((m) => m.id === ids[0] && m.isRead === true));
  assert.ok(next.items.some((m) => m.id === ids[4] && m.isRead === true));
});

test('between rounds: add-then-delete shows as removed, one entry per message, a first sync never shows removals', () => {
  const { mailbox, tokens, ids } = setup(3);
  mailbox.delete(ids[1]!);
  const first = round(mailbox, tokens, null);
  assert.deepEqual(first.items.map((m) => m.id), [ids[0], ids[2]]);
  const temp = mailbox.add(mail(50), mailbox.folder('inbox')!);
  mailbox.delete(temp.id);
  mailbox.setRead(ids[0]!, true);
  mailbox.setRead(ids[0]!, false);
  mailbox.setRead(ids[0]!, false); // no change, no entry
  const next = round(mailbox, tokens, first.deltaLink);
  // Oldest change first: the removal, then the last isRead change.
  assert.deepEqual(next.items[0], { id: temp.id, '@removed': { reason: 'deleted' } });
  assert.deepEqual([next.items.length, next.items[1]!.id, next.items[1]!.isRead], [2, ids[0], false]);
});

test('tokens: kinds are not interchangeable, tampering and foreign keys are rejected, expiry is per folder or global', () => {
  const { mailbox, tokens } = setup(4);
  const p = page(mailbox, tokens, null);
  const skip = new URL(p['@odata.nextLink']!).searchParams.get('$skiptoken')!;
  const status = (fn: () => unknown): string => {
    try {
      fn();
      return 'ok';
    } catch (error) {
      return `${(error as GraphApiError).status} ${(error as GraphApiError).code}`;
    }
  };
  assert.equal(status(() => tokens.read(skip, 'skip')), 'ok');
  assert.equal(status(() => tokens.read(skip, 'delta')), '400 ErrorInvalidSyncStateData');
  assert.equal(status(() => new DeltaTokens().read(skip, 'skip')), '400 ErrorInvalidSyncStateData', 'another emulator’s token');
  const bytes = Buffer.from(skip, 'base64url');
  bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 1;
  assert.equal(status(() => tokens.read(bytes.toString('base64url'), 'skip')), '400 ErrorInvalidSyncStateData');
  assert.equal(status(() => tokens.read('not a token!', 'skip')), '400 ErrorInvalidSyncStateData');

  const inbox = round(mailbox, tokens, null).deltaLink;
  const drafts = new URL(JSON.parse(deltaPage(mailbox, tokens, { folder: mailbox.folder('drafts')!, state: null, select: null, pageSize: 10, view: DEFAULT_VIEW, base: BASE }).json)['@odata.deltaLink']).searchParams.get('$deltatoken')!;
  tokens.expire(mailbox.folder('drafts')!.id);
  assert.equal(status(() => tokens.read(drafts, 'delta')), '410 syncStateNotFound');
  assert.equal(status(() => page(mailbox, tokens, inbox)), 'ok', 'other folders keep their tokens');
  tokens.expire();
  assert.equal(status(() => page(mailbox, tokens, inbox)), '410 syncStateNotFound');
  assert.equal(status(() => page(mailbox, tokens, null)), 'ok', 'a new full sync is always possible');
});

test('moves give a new id; folder paths resolve by well-known name, display name and id', () => {
  const { mailbox, ids } = setup(2);
  const projects = mailbox.ensurePath('Inbox/Projects');
  assert.equal(mailbox.folder('Inbox/Projects'), projects);
  assert.equal(mailbox.folder('INBOX/projects'), projects);
  assert.equal(mailbox.folder(projects.id), projects);
  assert.equal(mailbox.ensurePath('inbox/Projects'), projects, 'no duplicate folder');
  assert.equal(mailbox.folder('Sent Items'), mailbox.folder('sentitems'));
  const moved = mailbox.move(ids[0]!, projects)!;
  assert.notEqual(moved.id, ids[0]);
  assert.equal(mailbox.get(ids[0]!), undefined);
  assert.equal(moved.folderId, projects.id);
  assert.equal(mailbox.folder('inbox')!.unread, 1);
  assert.equal(projects.unread, 1);
});

test('Prefer IdType="ImmutableId": a move keeps the id in both folders\' deltas', () => {
  const { mailbox, tokens, ids } = setup(2);
  const view = { bodyType: 'html' as const, idType: 'immutable' as const };
  const deltaOf = (folder: string, state: DeltaState | null): Page => JSON.parse(deltaPage(mailbox, tokens,
    { folder: mailbox.folder(folder)!, state, select: null, pageSize: 10, view, base: BASE }).json) as Page;
  const tokenOf = (p: Page): DeltaState => tokens.read(new URL(p['@odata.deltaLink']!).searchParams.get('$deltatoken')!, 'delta');
  const inbox = deltaOf('inbox', null);
  const archive = deltaOf('archive', null);
  const immutable = mailbox.get(ids[0]!)!.immutableId;
  assert.deepEqual(inbox.value.map((m) => m.id), ids.map((id) => mailbox.get(id)!.immutableId));
  const moved = mailbox.move(immutable, mailbox.folder('archive')!)!;
  assert.equal(moved.immutableId, immutable);
  assert.notEqual(moved.id, ids[0]);
  assert.equal(mailbox.get(immutable), moved, 'lookups accept the immutable id');
  assert.deepEqual(deltaOf('inbox', tokenOf(inbox)).value, [{ id: immutable, '@removed': { reason: 'deleted' } }]);
  assert.deepEqual(deltaOf('archive', tokenOf(archive)).value.map((m) => m.id), [immutable]);
});

test('conversations: replies by subject share a conversationId, unrelated mail does not', () => {
  const mailbox = new GraphMailbox('me@mailbridge.test');
  const inbox = mailbox.folder('inbox')!;
  const a = mailbox.add(mail(1, 'Budget'), inbox);
  const b = mailbox.add(Buffer.from('From: me@mailbridge.test\r\nTo: buyer1@example.com\r\nSubject: RE: Budget\r\nIn-Reply-To: <m1@example.com>\r\n\r\nok\r\n'), inbox);
  const c = mailbox.add(mail(2, 'Budget'), inbox);
  assert.equal(a.conversationId, b.conversationId);
  assert.notEqual(a.conversationId, c.conversationId, 'same subject, no shared participant but the owner');
  assert.match(a.conversationId, /^AAQkA[\w-]+$/);
  assert.match(a.id, /^AAMkA[\w-]+$/);
});

test('throttle: concurrency slots and a sliding request window with Retry-After in whole seconds', () => {
  const throttle = new MailboxThrottle();
  assert.ok([1, 2, 3, 4].every(() => throttle.enter('a', 4)));
  assert.equal(throttle.enter('a', 4), false);
  assert.equal(throttle.enter('b', 4), true, 'limits are per mailbox');
  throttle.leave('a');
  assert.equal(throttle.enter('a', 4), true);
  assert.equal(throttle.peak, 4);
  assert.equal(throttle.admit('a', 2, 10_000, 0), 0);
  assert.equal(throttle.admit('a', 2, 10_000, 1_000), 0);
  assert.equal(throttle.admit('a', 2, 10_000, 2_000), 8);
  assert.equal(throttle.admit('a', 2, 10_000, 10_001), 0, 'the oldest left the window');
});
