import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Threader } from './threading.ts';

const message = (id: string, subject: string, participants: string[], parents: string[] = []) => ({
  id,
  messageId: `${id}@example.test`,
  parents,
  subject,
  participants,
});

test('same-subject messages thread on a shared participant other than the mailbox owner', () => {
  const threader = new Threader('rep@example.test');
  const exists = () => true;
  const a = threader.assign(message('a', 'Demo recap', ['rep@example.test', 'ann@one.example']), exists);
  const b = threader.assign(message('b', 'Re: Demo recap', ['rep@example.test', 'ann@one.example']), exists);
  const c = threader.assign(message('c', 'Demo recap', ['rep@example.test', 'bob@two.example']), exists);
  const d = threader.assign(message('d', 'Re: Demo recap', ['rep@example.test', 'bob@two.example'], ['c@example.test']), exists);
  assert.equal(b, a, 'a reply from the same customer joins the thread');
  assert.notEqual(c, a, 'another customer with the same subject starts a new thread');
  assert.equal(d, c, 'References win');
});
