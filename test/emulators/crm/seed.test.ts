// Seeding the HubSpot emulator from a mailbox: who counts as an external correspondent,
// how they are ranked, how names, companies, owners and deals are derived; and the
// emulator's rate-limit counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedCompaniesAndDeals, seedContactsFromMailbox } from './seed.ts';
import { DailyBudget, RollingWindow } from './rate-limit.ts';

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

test('companies come from the contacts\' domains, deals by rank: open ones at every third, a second at every sixth, a closed one at every fourth', () => {
  const contacts = Array.from({ length: 9 }, (_, i) => ({ email: `p${i}@${i % 2 ? 'odd' : 'even'}.example`, company: i % 2 ? 'Odd' : 'Even' }));
  const { companies, deals } = seedCompaniesAndDeals(contacts);
  assert.deepEqual(companies, [{ name: 'Even', domain: 'even.example' }, { name: 'Odd', domain: 'odd.example' }]);
  const of = (i: number) => deals.filter((d) => d.contactEmails.includes(`p${i}@${i % 2 ? 'odd' : 'even'}.example`)).map((d) => d.dealstage);
  assert.deepEqual(of(0), ['appointmentscheduled', 'qualifiedtobuy', 'closedwon']);
  assert.deepEqual(of(3), ['decisionmakerboughtin']);
  assert.deepEqual(of(4), ['closedlost']);
  assert.deepEqual(of(6), ['qualifiedtobuy', 'presentationscheduled']);
  assert.deepEqual(of(1), []);
  assert.ok(deals.every((d) => d.deal_currency_code === 'USD' && Number.isInteger(Number(d.amount)) && !Number.isNaN(Date.parse(d.closedate!))));
});

test('the daily budget counts per calendar day in the account\'s time zone', () => {
  const budget = new DailyBudget();
  const zone = 'Asia/Kolkata'; // midnight is 18:30 UTC
  const beforeMidnight = Date.parse('2024-06-01T18:29:59Z');
  assert.equal(budget.remaining(3, zone, beforeMidnight), 3);
  budget.spend(zone, beforeMidnight);
  budget.spend(zone, beforeMidnight);
  assert.equal(budget.remaining(3, zone, beforeMidnight), 1);
  assert.equal(budget.remaining(3, zone, Date.parse('2024-06-01T18:30:00Z')), 3, 'a new day in Kolkata');
  budget.setRemaining(3, 0, zone, Date.parse('2024-06-01T20:00:00Z'));
  assert.equal(budget.remaining(3, zone, Date.parse('2024-06-02T18:29:00Z')), 0);
  assert.equal(budget.used(zone, Date.parse('2024-06-02T18:29:00Z')), 3);
});
