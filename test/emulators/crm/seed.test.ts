// Seeding the HubSpot emulator from a mailbox: who counts as an external correspondent,
// how they are ranked, and how names, companies and owners are derived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedContactsFromMailbox } from './seed.ts';
import { RollingWindow } from './rate-limit.ts';

function message(headers: string, n: number): string {
  return `From MAILER-DAEMON Thu Jan  1 00:00:0${n} 2001\n${headers}\nSubject: m${n}\nDate: Mon, 1 Jan 2001 10:0${n}:00 +0000\nMessage-ID: <m${n}@test>\n\nbody ${n}\n\n`;
}

test('ranks external correspondents by messages, excluding the owner and own (sub)domains', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hubspot-seed-'));
  try {
    const mbox = join(dir, 'inbox.mbox');
    writeFileSync(mbox, [
      message('From: Rep <rep@acme.com>\nTo: "Smith, Jane" <jane@pge.com>\nCc: bob@sales.acme.com', 1),
      message('From: Jane Smith <Jane@PGE.com>\nTo: rep@acme.com, jane@pge.com', 2),
      message('From: zed@bbc.co.uk\nTo: rep@acme.com\nCc: jane@pge.com', 3),
      message('From: noname.person@foo.org\nTo: rep@acme.com', 4),
      message('From: partner@ally.com\nTo: rep@acme.com', 5),
    ].join(''));
    const all = await seedContactsFromMailbox(mbox, { owner: 'Rep@Acme.com', count: 10 });
    assert.deepEqual(all.map((c) => c.email), ['jane@pge.com', 'noname.person@foo.org', 'partner@ally.com', 'zed@bbc.co.uk']);
    assert.deepEqual(all[0], { email: 'jane@pge.com', firstname: 'Jane', lastname: 'Smith', company: 'Pge', hubspot_owner_id: '41000001' });
    assert.deepEqual(all[1], { email: 'noname.person@foo.org', firstname: 'Noname', lastname: 'Person', company: 'Foo', hubspot_owner_id: '41000002' });
    assert.equal(all[3]!.company, 'Bbc');
    assert.equal(all[3]!.firstname, 'Zed');

    const top = await seedContactsFromMailbox(mbox, { owner: 'rep@acme.com', count: 2, ownDomains: ['acme.com', 'ally.com'] });
    assert.deepEqual(top.map((c) => c.email), ['jane@pge.com', 'noname.person@foo.org']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the rolling window admits `limit` requests per window and says how long to wait', () => {
  const window = new RollingWindow(10_000);
  assert.equal(window.take(2, 1_000), 0);
  assert.equal(window.take(2, 4_000), 0);
  assert.equal(window.take(2, 5_000), 6_000, 'the oldest request leaves the window at 11 s');
  assert.equal(window.remaining(2, 5_000), 0);
  assert.equal(window.take(2, 11_000), 0, 'a rejected request did not count');
  assert.equal(window.remaining(2, 11_000), 0);
  assert.equal(window.remaining(2, 14_001), 1);
});
