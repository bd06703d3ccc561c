import { test } from 'node:test';
import assert from 'node:assert/strict';
test('toolchain runs Node 22', () => {
  assert.ok(Number(process.versions.node.split('.')[0]) >= 22);
});
