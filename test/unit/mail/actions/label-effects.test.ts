import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelEffect, messagesActedOn } from '../../../../src-main/mail/actions/label-effects.ts';

const roles = (role: 'inbox' | 'archive') => (role === 'inbox' ? 'F-INBOX' : 'F-ARCHIVE');

test('each action changes the labels the provider would', () => {
  assert.deepEqual(labelEffect('gmail', 'read', roles), { added: [], removed: ['UNREAD'], deleted: false });
  assert.deepEqual(labelEffect('gmail', 'archive', roles), { added: [], removed: ['INBOX'], deleted: false });
  assert.deepEqual(labelEffect('gmail', 'inbox', roles), { added: ['INBOX'], removed: ['TRASH'], deleted: false });
  assert.deepEqual(labelEffect('microsoft', 'archive', roles), { added: ['F-ARCHIVE'], removed: ['F-INBOX'], deleted: false });
  assert.deepEqual(labelEffect('microsoft', 'archive', () => null), { added: [], removed: [], deleted: false });
  assert.deepEqual(labelEffect('microsoft', 'star', roles), { added: ['STARRED'], removed: [], deleted: false });
  assert.equal(labelEffect('gmail', 'trash', roles).deleted, true);
});

test('star and mark unread name the newest message; the rest name all', () => {
  assert.deepEqual(messagesActedOn('star', [1, 2, 3]), [3]);
  assert.deepEqual(messagesActedOn('unread', [1, 2, 3]), [3]);
  assert.deepEqual(messagesActedOn('read', [1, 2, 3]), [1, 2, 3]);
  assert.deepEqual(messagesActedOn('archive', []), []);
});
