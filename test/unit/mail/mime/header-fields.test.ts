// Address and identifier normalisation (RFC 5322 §3.4, §3.6.4) with RFC 2047 display names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, readAddresses, readMessageIds } from '../../../../src-main/mail/mime/header-fields.ts';

test('addresses are lower-cased, names decoded (RFC 2047) and trimmed', () => {
  const warnings: string[] = [];
  const list = readAddresses([
    '=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>, "  Keld  Simonsen " <keld@DKUUG.dk>',
    '=?UTF-8?B?SsO2cmc=?= <Joerg@Example.com>',
  ], 'To', warnings);
  assert.deepEqual(list, [
    { name: 'André Pirard', address: 'pirard@vm1.ulg.ac.be' },
    { name: 'Keld Simonsen', address: 'keld@dkuug.dk' },
    { name: 'Jörg', address: 'joerg@example.com' },
  ]);
  assert.deepEqual(warnings, []);
});

test('groups are flattened and empty groups add nothing', () => {
  const warnings: string[] = [];
  const list = readAddresses(['A Group: Ed Jones <c@a.test>, joe@where.test, John <jdoe@one.test>;, undisclosed-recipients:;'], 'To', warnings);
  assert.deepEqual(list.map((a) => a.address), ['c@a.test', 'joe@where.test', 'jdoe@one.test']);
  assert.deepEqual(warnings, []);
});

test('UTF-7 encoded words in names decode', () => {
  const list = readAddresses(['=?utf-7?Q?Andreas=20M+APw-zner?= <andreas.muzner@example.com>'], 'Cc', []);
  assert.deepEqual(list, [{ name: 'Andreas Müzner', address: 'andreas.muzner@example.com' }]);
});

test('a name equal to the address is dropped', () => {
  assert.deepEqual(readAddresses(["'bob@x.org' <Bob@X.org>"], 'From', []), [{ name: '', address: 'bob@x.org' }]);
});

test('invalid addresses are kept and reported; warnings per field are capped', () => {
  const warnings: string[] = [];
  const list = readAddresses(['a@, b@, C@, <d@>, e@, ok@x.org'], 'Cc', warnings);
  assert.deepEqual(list.map((a) => a.address), ['a@', 'b@', 'c@', 'd@', 'e@', 'ok@x.org']);
  assert.deepEqual(warnings, ["invalid address in Cc: 'a@'", "invalid address in Cc: 'b@'", "invalid address in Cc: 'c@'", '2 more address problems in Cc']);
});

test('message ids lose their angle brackets, keep order, drop duplicates', () => {
  assert.deepEqual(readMessageIds('<a@x> <b@x>\r\n <a@x>'), ['a@x', 'b@x']);
  assert.deepEqual(readMessageIds('Your message of "Mon" <c@x>'), ['c@x']);
  assert.deepEqual(readMessageIds('bare@x.org'), ['bare@x.org']);
  assert.deepEqual(readMessageIds(undefined), []);
  assert.deepEqual(readMessageIds('no id here'), []);
});

test('decodeText decodes encoded words, adjacent words joined', () => {
  const warnings: string[] = [];
  assert.equal(decodeText('=?iso-8859-1?Q?=A1Hola,_se=F1or!?=', 'Subject', warnings), '¡Hola, señor!');
  assert.equal(decodeText('=?UTF-8?Q?a?= =?UTF-8?Q?b?=', 'Subject', warnings), 'ab');
  assert.equal(decodeText('=?Shift_JIS?B?g2WDWINn?=', 'Subject', warnings), 'テスト');
  assert.deepEqual(warnings, []);
});
