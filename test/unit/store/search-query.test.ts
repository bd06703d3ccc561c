import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactAddressTerms, toFtsQuery } from '../../../src-main/store/search-query.ts';

test('quotes every term and ANDs them', () => {
  assert.equal(toFtsQuery('pricing  Q3'), '"pricing" AND "Q3"');
});

test('maps from:, to:, subject: onto FTS columns, with bare or quoted values', () => {
  assert.equal(toFtsQuery('from:alice@example.com'), 'sender : "alice@example.com"');
  assert.equal(toFtsQuery('TO:bob subject:"quarterly report"'), 'recipients : "bob" AND subject : "quarterly report"');
});

test('keeps quoted phrases and a trailing * as a prefix search', () => {
  assert.equal(toFtsQuery('"renewal terms" contr*'), '"renewal terms" AND "contr"*');
});

test('neutralises FTS5 syntax in user text', () => {
  assert.equal(toFtsQuery('"a OR ( NEAR*'), '"a OR ( NEAR*"');
  assert.equal(toFtsQuery('a OR b'), '"a" AND "OR" AND "b"');
  assert.equal(toFtsQuery('say"hi'), '"say""hi"');
  assert.equal(toFtsQuery('cc:x'), '"cc:x"', 'unknown prefixes are plain text');
});

test('returns null when nothing is searchable', () => {
  for (const input of ['', '   ', '( ) * "', 'from:', '-- ^']) assert.equal(toFtsQuery(input), null, input);
});

test('exactAddressTerms collects whole addresses after from: and to:, lower-cased', () => {
  assert.deepEqual(exactAddressTerms('from:Crenshaw@Enron.com to:"a.b@x.org" budget from:alice'), {
    from: ['crenshaw@enron.com'],
    to: ['a.b@x.org'],
  });
  assert.deepEqual(exactAddressTerms('subject:x@y.z hello'), { from: [], to: [] });
});
