// Templates without the editor: the unfilled {{fields}} that hold a message back (as main's
// send outbox tests them), the words that say so, the picker's filter and edits to the list.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EmailTemplate } from '../../../../../src-preload/contract/index.ts';
import {
  filterTemplates,
  newTemplateId,
  putTemplate,
  restoreTemplate,
  TEMPLATE_FIELDS,
  unfilledFields,
  unfilledMessage,
} from '../../../../../src-renderer/features/compose/templates.ts';

const template = (id: string, name: string, subject = ''): EmailTemplate => ({ id, name, subject, html: `<p>${name}</p>` });

describe('unfilledFields and unfilledMessage', () => {
  test('finds each field left in the subject and the body once, in order, spaces inside the braces allowed', () => {
    assert.deepEqual(
      unfilledFields('Hello {{contact.firstname}}', '<p>At {{ company.name }}, {{contact.firstname}} and {{owner.name}}</p>'),
      ['{{contact.firstname}}', '{{company.name}}', '{{owner.name}}'],
    );
  });

  test('ignores text that is not a field', () => {
    assert.deepEqual(unfilledFields('Price {10}', '<p>{{ }} {{a b}} {single} }}{{</p>'), []);
  });

  test('says which fields to fill in', () => {
    assert.equal(unfilledMessage([]), null);
    assert.equal(unfilledMessage(['{{contact.firstname}}']), 'Fill in or remove {{contact.firstname}} before sending');
    assert.equal(unfilledMessage(['{{a.b}}', '{{c.d}}', '{{e.f}}']), 'Fill in or remove {{a.b}}, {{c.d}} and {{e.f}} before sending');
  });

  test('every field offered in Settings is one the check recognises', () => {
    for (const { field } of TEMPLATE_FIELDS) assert.deepEqual(unfilledFields(field), [field]);
  });
});

describe('filterTemplates', () => {
  const list = [template('a', 'Follow-up', 'Checking in'), template('b', 'Pricing', 'Our prices'), template('c', 'Intro call')];
  test('keeps the saved order and matches every word in the name or subject, any case', () => {
    assert.deepEqual(filterTemplates(list, '').map((t) => t.id), ['a', 'b', 'c']);
    assert.deepEqual(filterTemplates(list, 'CHECK').map((t) => t.id), ['a']);
    assert.deepEqual(filterTemplates(list, 'in ca').map((t) => t.id), ['c']);
    assert.deepEqual(filterTemplates(list, 'nothing'), []);
  });
});

describe('template list edits', () => {
  test('new ids match the contract', () => {
    const id = newTemplateId();
    assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
    assert.notEqual(id, newTemplateId());
  });

  test('putTemplate replaces in place or appends', () => {
    const list = [template('a', 'A'), template('b', 'B')];
    assert.deepEqual(putTemplate(list, template('a', 'A2')).map((t) => t.name), ['A2', 'B']);
    assert.deepEqual(putTemplate(list, template('c', 'C')).map((t) => t.id), ['a', 'b', 'c']);
  });

  test('restoreTemplate puts a deleted one back where it was, once', () => {
    const b = template('b', 'B');
    assert.deepEqual(restoreTemplate([template('a', 'A'), template('c', 'C')], b, 1).map((t) => t.id), ['a', 'b', 'c']);
    assert.deepEqual(restoreTemplate([template('a', 'A'), b], b, 0).map((t) => t.id), ['a', 'b']);
    assert.deepEqual(restoreTemplate([], b, 5).map((t) => t.id), ['b']);
  });
});
