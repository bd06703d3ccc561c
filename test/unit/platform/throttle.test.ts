// The shared leading-and-trailing throttle: the first call runs at once, a burst folds into
// one trailing run per interval, the last change is never lost, and cancel drops it.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { throttle } from '../../../src-main/platform/throttle.ts';

test('a burst runs once at once and once at the end of each interval', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let runs = 0;
    const t = throttle(() => (runs += 1), 1_000);
    t();
    assert.equal(runs, 1, 'leading run');
    for (let i = 0; i < 50; i++) t();
    assert.equal(runs, 1, 'calls within the interval wait');
    mock.timers.tick(1_000);
    assert.equal(runs, 2, 'one trailing run for the whole burst');
    mock.timers.tick(1_000);
    assert.equal(runs, 2, 'nothing pending, nothing runs');
    mock.timers.tick(1_000);
    t();
    assert.equal(runs, 3, 'after a quiet interval the next call leads again');
  } finally {
    mock.timers.reset();
  }
});

test('cancel drops the pending trailing run', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let runs = 0;
    const t = throttle(() => (runs += 1), 250);
    t();
    t();
    t.cancel();
    mock.timers.tick(1_000);
    assert.equal(runs, 1);
  } finally {
    mock.timers.reset();
  }
});
