// The send outbox killed between Gmail's 2xx and recording it: a child process sends through
// the real client, reports that Gmail committed the message, and is SIGKILLed before the
// outbox writes "sent". A fresh process finds the attempt of unknown outcome, looks its
// Message-ID up (rfc822msgid:), finds it, and records it without sending: Gmail holds one copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';
import { buildMime, newMessageId } from '../../src-main/mail/compose/outgoing-mime.ts';
import { createOsSecretStore } from '../../src-main/platform/keychain.ts';
import { openProfileStore } from '../../src-main/store/profile-store.ts';

const CHILD = join(import.meta.dirname, '../support/send-child.ts');
const REP = 'rep@mailbridge.test';

function runChild(args: string[]): { child: ChildProcess; lines: AsyncIterator<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MAILBRIDGE_LOG_LEVEL: 'warn' } });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

async function nextLine(lines: AsyncIterator<string>, prefix: string, timeoutMs = 30_000): Promise<string> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no "${prefix}" line within ${timeoutMs} ms`)), timeoutMs).unref());
  for (;;) {
    const next = await Promise.race([lines.next(), timeout]);
    if (next.done) throw new Error(`child ended before "${prefix}"`);
    if (next.value.startsWith(prefix)) return next.value;
  }
}

test('killed between Gmail’s 2xx and recording it: a restart finds it sent, and nothing leaves twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-send-crash-'));
  const path = join(dir, 'mail.db');
  const gmail = new GmailEmulator({ emailAddress: REP });
  const { url } = await gmail.start();
  try {
    const store = await openProfileStore({ path, secrets: createOsSecretStore() });
    const accountId = store.accounts.create({ provider: 'gmail', email: REP }).id;
    const draftId = store.drafts.create({
      accountId, mode: 'new', sourceMessageId: null, threadId: null, to: [{ address: 'buyer@customer.example', name: '' }], cc: [], bcc: [],
      subject: 'Crash-safe send', html: '<p>Once only</p>', quotedHtml: '', inReplyTo: null, references: [], logToCrm: false,
    }).id;
    const header = newMessageId(REP);
    const raw = await buildMime({ from: { address: REP, name: '' }, ...store.drafts.get(draftId)!, attachments: [] }, header, new Date());
    const item = store.sendOutbox.insert({ accountId, draftId, messageIdHeader: header, providerThreadId: null, subject: 'Crash-safe send', recipients: ['buyer@customer.example'], raw, sendAt: Date.now(), nextAttemptAt: Date.now(), logToCrm: false });
    store.close();

    const first = runChild(['--db', path, '--url', url, '--hold-after-commit']);
    await nextLine(first.lines, 'committed');
    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal(gmail.sendCount(header), 1, 'Gmail had it before the kill');

    const second = runChild(['--db', path, '--url', url]);
    await nextLine(second.lines, 'idle');
    assert.equal(await second.exited, 0);

    const after = await openProfileStore({ path, secrets: createOsSecretStore() });
    try {
      const record = after.sendOutbox.get(item.id)!;
      assert.equal(record.state, 'sent');
      assert.equal(record.attempts, 2, 'the second attempt only looked it up');
      assert.equal(after.drafts.get(draftId), null, 'its draft is gone');
    } finally {
      after.close();
    }
    assert.equal(gmail.sendCount(header), 1, 'still exactly one copy at Gmail');
  } finally {
    await gmail.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
