import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelEffect, messagesActedOn, type FolderRoles } from '../../../../src-main/mail/actions/label-effects.ts';

const roles: FolderRoles = (role) => (role === 'inbox' ? 'F-INBOX' : role === 'archive' ? 'F-ARCHIVE' : null);
/** Gmail over IMAP: the Inbox folder and an All Mail folder. */
const gmailImapRoles: FolderRoles = (role) => (role === 'inbox' ? 'INBOX' : role === 'all' ? '[Gmail]/All Mail' : null);

test('each action changes the labels the provider would', () => {
  assert.deepEqual(labelEffect('gmail', 'read', roles), { added: [], removed: ['UNREAD'], deleted: false });
  assert.deepEqual(labelEffect('gmail', 'archive', roles), { added: [], removed: ['INBOX'], deleted: false });
  assert.deepEqual(labelEffect('gmail', 'inbox', roles), { added: ['INBOX'], removed: ['TRASH'], deleted: false });
  assert.deepEqual(labelEffect('microsoft', 'archive', roles), { added: ['F-ARCHIVE'], removed: ['F-INBOX'], deleted: false });
  assert.deepEqual(labelEffect('microsoft', 'archive', () => null), { added: [], removed: [], deleted: false });
  assert.deepEqual(labelEffect('microsoft', 'star', roles), { added: ['STARRED'], removed: [], deleted: false });
  assert.equal(labelEffect('gmail', 'trash', roles).deleted, true);
});

test('star and mark unread name the newest message; archive what is in the Inbox; the sent copy stays in Sent', () => {
  const inbox = { id: 1, inInbox: true, inSent: false };
  const archived = { id: 2, inInbox: false, inSent: false };
  const sent = { id: 3, inInbox: false, inSent: true };
  const ids = (list: Array<{ id: number }>) => list.map((m) => m.id);
  assert.deepEqual(ids(messagesActedOn('star', [inbox, archived, sent])), [3]);
  assert.deepEqual(ids(messagesActedOn('unread', [inbox, archived, sent])), [3]);
  assert.deepEqual(ids(messagesActedOn('read', [inbox, archived, sent])), [1, 2, 3]);
  assert.deepEqual(ids(messagesActedOn('archive', [inbox, archived, sent])), [1]);
  assert.deepEqual(ids(messagesActedOn('inbox', [inbox, archived, sent])), [2]);
  assert.deepEqual(messagesActedOn('archive', []), []);
});

test('a label stacks on Gmail and files into a folder elsewhere', () => {
  assert.deepEqual(labelEffect('gmail', 'label', roles, 'Label_7'), { added: ['Label_7'], removed: [], deleted: false });
  assert.deepEqual(labelEffect('gmail', 'unlabel', roles, 'Label_7'), { added: [], removed: ['Label_7'], deleted: false });
  assert.deepEqual(labelEffect('microsoft', 'label', roles, 'F-DEALS'), { added: ['F-DEALS'], removed: ['F-INBOX'], deleted: false });
  assert.deepEqual(labelEffect('imap', 'unlabel', roles, 'Deals'), { added: ['F-INBOX'], removed: ['Deals'], deleted: false });
  // Gmail's own IMAP (an All Mail folder): its labels stack too, and archive only leaves the Inbox.
  assert.deepEqual(labelEffect('imap', 'label', gmailImapRoles, 'Deals'), { added: ['Deals'], removed: [], deleted: false });
  assert.deepEqual(labelEffect('imap', 'unlabel', gmailImapRoles, 'Deals'), { added: [], removed: ['Deals'], deleted: false });
  assert.deepEqual(labelEffect('imap', 'archive', gmailImapRoles), { added: [], removed: ['INBOX'], deleted: false });
});
