// "Send later" times between the datetime-local field (local time) and ms since the epoch.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSendLater, fromDateTimeLocal, sendLaterProblem, toDateTimeLocal } from '../../../../../src-renderer/features/compose/send-later.ts';

const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();

describe('send-later times', () => {
  test('round-trips a local time through the field format, to the minute', () => {
    const at = local(2026, 3, 9, 7, 5);
    assert.equal(toDateTimeLocal(at), '2026-03-09T07:05');
    assert.equal(fromDateTimeLocal('2026-03-09T07:05'), at);
    assert.equal(toDateTimeLocal(at + 42_000), '2026-03-09T07:05');
  });

  test('reads an empty, malformed or impossible value as null', () => {
    for (const value of ['', '2026-03-09', '2026-03-09T7:05', '2026-02-30T10:00', 'tomorrow']) assert.equal(fromDateTimeLocal(value), null, value);
  });

  test('offers tomorrow at 08:00, across a month end', () => {
    assert.equal(defaultSendLater(local(2026, 1, 31, 22, 40)), local(2026, 2, 1, 8, 0));
  });

  test('refuses a missing time and one not at least a minute ahead', () => {
    const now = local(2026, 3, 9, 12, 0);
    assert.equal(sendLaterProblem('', now), 'Choose a date and time');
    assert.equal(sendLaterProblem('2026-03-09T12:00', now), 'Choose a time in the future');
    assert.equal(sendLaterProblem('2026-03-09T12:02', now), null);
  });
});
