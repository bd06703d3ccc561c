// Date header parsing: RFC 5322 §3.3 dates, the obsolete forms of §4.3 real mail carries,
// and the inputs V8's lenient Date parser would accept but must not be trusted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMailDate } from '../../../../src-main/mail/mime/mail-date.ts';

const NOW = Date.UTC(2024, 5, 1);
const ok = (value: string, expected: number): void => {
  const r = parseMailDate(value, NOW);
  assert.equal(r.ms, expected, value);
  assert.equal(r.warning, null, `${value}: ${r.warning}`);
};

test('RFC 5322 dates with numeric zones and comments', () => {
  ok('Mon, 14 Jan 2002 10:13:40 -0800 (PST)', Date.UTC(2002, 0, 14, 18, 13, 40));
  ok('Thu, 13 Feb 2003 13:06:54 +0100 (CET)', Date.UTC(2003, 1, 13, 12, 6, 54));
  ok('14 Jan 2002 10:13 +0000', Date.UTC(2002, 0, 14, 10, 13));
  ok('Mon,14 Jan 2002 10:13:40 +0100', Date.UTC(2002, 0, 14, 9, 13, 40));
  ok('Tue, 6 Apr 2010 8:57:31 -0700', Date.UTC(2010, 3, 6, 15, 57, 31));
  ok('Wed, 17 May 2000 23:33:43 -0400 (Eastern Daylight Time)', Date.UTC(2000, 4, 18, 3, 33, 43));
});

test('obsolete forms: two- and three-digit years, named zones, leap second', () => {
  ok('Fri, 21 Nov 97 09:55:06 GMT', Date.UTC(1997, 10, 21, 9, 55, 6));
  ok('14 Jan 02 10:13 PST', Date.UTC(2002, 0, 14, 18, 13));
  ok('Mon, 14 Jan 102 10:13:40 -0800', Date.UTC(2002, 0, 14, 18, 13, 40));
  ok('Wed, 17 Jul 96 11:03:27 EDT', Date.UTC(1996, 6, 17, 15, 3, 27));
  ok('17 Jul 1996 11:03:27 UT', Date.UTC(1996, 6, 17, 11, 3, 27));
  ok('Sat, 31 Dec 2016 23:59:60 +0000', Date.UTC(2016, 11, 31, 23, 59, 59));
});

test('zone-less and unknown-zone dates are read as UTC with a warning', () => {
  const noZone = parseMailDate('Thu, 13 Feb 2003 13:06:54', NOW);
  assert.equal(noZone.ms, Date.UTC(2003, 1, 13, 13, 6, 54));
  assert.match(noZone.warning ?? '', /no time zone; read as UTC/);
  const cet = parseMailDate('Thu, 13 Feb 2003 13:06:54 CET', NOW);
  assert.equal(cet.ms, Date.UTC(2003, 1, 13, 13, 6, 54));
  assert.match(cet.warning ?? '', /time zone 'CET' has no defined offset/);
});

test('asctime and ISO 8601 dates are accepted with a warning', () => {
  const asc = parseMailDate('Tue Jul  1 10:52:37 2003', NOW);
  assert.equal(asc.ms, Date.UTC(2003, 6, 1, 10, 52, 37));
  assert.ok(asc.warning);
  const iso = parseMailDate('2002-01-14T10:00:00+01:00', NOW);
  assert.equal(iso.ms, Date.UTC(2002, 0, 14, 9));
  assert.match(iso.warning ?? '', /not in RFC 5322 form/);
});

test('values V8 would misread are rejected', () => {
  for (const value of ['12', 'foo 12', 'sometime', 'Mon, 14 Jan 2002 25:13:40 +0000', 'Sun, 31 Sep 2002 10:00:00 +0000',
    'Pn, 29 paX 2007 21:13:00 +0100', 'Wed, 15 Dec 2010 59:10 -0500']) {
    const r = parseMailDate(value, NOW);
    assert.equal(r.ms, null, value);
    assert.match(r.warning ?? '', /^unparseable Date header: '/, value);
  }
});

test('absent, empty and implausible dates', () => {
  assert.deepEqual(parseMailDate(undefined, NOW), { ms: null, warning: 'no Date header' });
  assert.deepEqual(parseMailDate('  ', NOW), { ms: null, warning: 'empty Date header' });
  const future = parseMailDate('Mon, 30 Jun 3609 15:33:50 +0600', NOW);
  assert.ok(future.ms);
  assert.match(future.warning ?? '', /^implausible Date header/);
});
