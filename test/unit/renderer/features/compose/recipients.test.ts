// Recipient parsing for the compose window's To/Cc/Bcc chips: splitting pasted lists,
// reading "Name <address>" forms, and marking addresses main would refuse.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addRecipients,
  chipsFromDraft,
  hasSeveral,
  isValidAddress,
  parseRecipient,
  splitAddressList,
  toRecipients,
} from '../../../../../src-renderer/features/compose/recipients.ts';

describe('splitAddressList', () => {
  test('splits on commas, semicolons and newlines, dropping empty parts', () => {
    assert.deepEqual(splitAddressList('a@x.example, b@x.example;c@x.example\n\nd@x.example,'), [
      'a@x.example',
      'b@x.example',
      'c@x.example',
      'd@x.example',
    ]);
  });

  test('keeps a quoted name with a comma and an angle address whole', () => {
    assert.deepEqual(splitAddressList('"Doe, Ana" <ana@x.example>, Bo <bo@y.example>'), ['"Doe, Ana" <ana@x.example>', 'Bo <bo@y.example>']);
  });

  test('is empty for blank text', () => {
    assert.deepEqual(splitAddressList('  , ;\n'), []);
  });
});

describe('parseRecipient', () => {
  test('reads a bare address, lower-cased', () => {
    assert.deepEqual(parseRecipient('  Ana@X.Example '), { address: 'ana@x.example', name: '', valid: true });
  });

  test('reads Name <address> and a quoted name', () => {
    assert.deepEqual(parseRecipient('Ana Diaz <ana@x.example>'), { address: 'ana@x.example', name: 'Ana Diaz', valid: true });
    assert.deepEqual(parseRecipient('"Doe, Ana" <ana@x.example>'), { address: 'ana@x.example', name: 'Doe, Ana', valid: true });
    assert.deepEqual(parseRecipient('<ana@x.example>'), { address: 'ana@x.example', name: '', valid: true });
  });

  test('drops a mailto: prefix and a name that only repeats the address', () => {
    assert.deepEqual(parseRecipient('mailto:ana@x.example'), { address: 'ana@x.example', name: '', valid: true });
    assert.deepEqual(parseRecipient('ana@x.example <ana@x.example>'), { address: 'ana@x.example', name: '', valid: true });
  });

  test('marks what main would refuse as invalid, keeping the text', () => {
    assert.deepEqual(parseRecipient('ana'), { address: 'ana', name: '', valid: false });
    assert.equal(parseRecipient('ana@localhost')?.valid, false);
    assert.equal(parseRecipient('ana@@x.example')?.valid, false);
    assert.equal(parseRecipient('Ana <not an address>')?.valid, false);
  });

  test('is null for blank text', () => {
    assert.equal(parseRecipient('   '), null);
    assert.equal(parseRecipient('Ana <>'), null);
  });
});

describe('isValidAddress', () => {
  test('accepts ordinary addresses, plus-tags and subdomains', () => {
    for (const address of ['a@x.example', 'first.last+crm@mail.x.example', "o'neil@x.example"]) assert.ok(isValidAddress(address), address);
  });

  test('refuses missing parts, spaces, a leading dot and over-long addresses', () => {
    for (const address of ['@x.example', 'a@', 'a b@x.example', '.a@x.example', 'a@x', `${'a'.repeat(320)}@x.example`]) {
      assert.equal(isValidAddress(address), false, address);
    }
  });
});

describe('addRecipients', () => {
  test('adds each entry of a pasted list once, keeping the existing chips first', () => {
    const list = addRecipients([{ address: 'a@x.example', name: '', valid: true }], 'b@x.example, A@x.example; Bo <b@x.example>, nope');
    assert.deepEqual(
      list.map((chip) => [chip.address, chip.valid]),
      [
        ['a@x.example', true],
        ['b@x.example', true],
        ['nope', false],
      ],
    );
  });

  test('hasSeveral tells a pasted list from one address', () => {
    assert.equal(hasSeveral('a@x.example'), false);
    assert.equal(hasSeveral('"Doe, Ana" <ana@x.example>'), false);
    assert.equal(hasSeveral('a@x.example\nb@x.example'), true);
  });
});

describe('toRecipients', () => {
  test('saves only valid chips, as contract recipients', () => {
    const chips = [...chipsFromDraft([{ address: 'a@x.example', name: 'A' }]), { address: 'nope', name: '', valid: false }];
    assert.deepEqual(toRecipients(chips), [{ address: 'a@x.example', name: 'A' }]);
  });
});
