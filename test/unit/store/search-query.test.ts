// Gmail's operators read into an FTS5 MATCH plus SQL filters (issue 10 item 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearch } from '../../../src-main/store/search-query.ts';

const NOW = Date.UTC(2026, 11, 3);
const match = (input: string) => parseSearch(input, NOW).match;

test('quotes every word and ANDs them; phrases and a trailing * (prefix) are kept', () => {
  assert.equal(match('pricing  Q3'), '("pricing") AND ("Q3")');
  assert.equal(match('"renewal terms" contr*'), '("renewal terms") AND ("contr"*)');
});

test('field operators map onto FTS columns, with bare or quoted values', () => {
  assert.equal(match('from:alice subject:"quarterly report"'), '(sender : "alice") AND (subject : "quarterly report")');
  assert.equal(match('to:bob cc:carol filename:pdf'), '(recipients : "bob") AND (recipients : "carol") AND (attachments : "pdf")');
});

test('OR, parentheses and -word become FTS5 OR, groups and NOT', () => {
  assert.equal(match('Contoso OR Adatum'), '((("Contoso")) OR (("Adatum")))');
  assert.equal(match('pricing -draft'), '("pricing") NOT ("draft")');
  assert.equal(match('(renewal OR pilot) -"out of office"'), '((("renewal")) OR (("pilot"))) NOT ("out of office")');
});

test('a query of only exclusions asks the index what to leave out', () => {
  const parsed = parseSearch('-newsletter is:unread', NOW);
  assert.equal(parsed.match, null);
  assert.equal(parsed.exclude, '("newsletter")');
  assert.deepEqual(parsed.filters, [{ kind: 'unread', value: true, negate: false }]);
});

test('has:, is:, label:, in: are filters, negatable', () => {
  const { filters, match: m } = parseSearch('has:attachment is:read is:starred label:Deals -in:inbox', NOW);
  assert.equal(m, null);
  assert.deepEqual(filters, [
    { kind: 'has_attachment', negate: false },
    { kind: 'unread', value: false, negate: false },
    { kind: 'starred', negate: false },
    { kind: 'label', name: 'deals', negate: false },
    { kind: 'label', name: 'inbox', negate: true },
  ]);
});

test('a filter inside -( … ) means its opposite', () => {
  assert.deepEqual(parseSearch('-(is:unread has:attachment)', NOW).filters, [
    { kind: 'unread', value: true, negate: true },
    { kind: 'has_attachment', negate: true },
  ]);
  assert.deepEqual(parseSearch('-(-is:starred)', NOW).filters, [{ kind: 'starred', negate: false }]);
});

test('whole addresses after from:, to:, cc: also match exactly, lower-cased', () => {
  const { filters } = parseSearch('from:Crenshaw@Enron.com to:"a.b@x.org" budget from:alice', NOW);
  assert.deepEqual(filters, [
    { kind: 'address', role: 'from', address: 'crenshaw@enron.com', negate: false },
    { kind: 'address', role: 'to', address: 'a.b@x.org', negate: false },
  ]);
});

test('dates in Gmail’s forms bound the receive time', () => {
  assert.equal(parseSearch('after:2026/10/01', NOW).after, Date.UTC(2026, 9, 1));
  assert.equal(parseSearch('before:2026-10-15', NOW).before, Date.UTC(2026, 9, 15));
  assert.equal(parseSearch('after:10/01/2026', NOW).after, Date.UTC(2026, 9, 1));
  assert.equal(parseSearch('newer_than:7d', NOW).after, NOW - 7 * 86_400_000);
  assert.equal(parseSearch('older_than:1y', NOW).before, Date.UTC(2025, 11, 3));
  assert.equal(parseSearch('older_than:2m', NOW).before, Date.UTC(2026, 9, 3));
  const both = parseSearch('after:2026/01/01 after:2026/03/01 before:2026/06/01', NOW);
  assert.deepEqual([both.after, both.before], [Date.UTC(2026, 2, 1), Date.UTC(2026, 5, 1)], 'the tighter bound wins');
});

test('an unknown operator (or a bad date) is searched as words, with a hint, never an error', () => {
  const parsed = parseSearch('category:promotions after:someday', NOW);
  assert.equal(parsed.match, '("category promotions") AND ("after someday")');
  assert.equal(parsed.hints.length, 2);
  assert.match(parsed.hints[0]!, /category:promotions.*searched as words/);
});

test('FTS5 syntax in user text never reaches the index unquoted', () => {
  assert.equal(match('"a OR ( NEAR*'), '("a OR ( NEAR*")');
  assert.equal(match('say"hi'), '("say""hi")');
  assert.equal(match('NEAR(a b)'), '("NEAR") AND (("a") AND ("b"))');
  for (const input of ['', '   ', '( ) * "', '-- ^', ')))', 'OR OR', '-']) {
    const parsed = parseSearch(input, NOW);
    assert.equal(parsed.match, null, input);
    assert.equal(parsed.exclude, null, input);
  }
});

test('the words sought are kept for highlighting', () => {
  assert.deepEqual(parseSearch('from:ana "contract redlines" -draft is:unread', NOW).terms, ['ana', 'contract redlines', 'draft']);
});
