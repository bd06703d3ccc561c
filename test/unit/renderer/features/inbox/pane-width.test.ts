// The splitter's bounds are the setting's: a width the renderer offers is one main accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PANE_WIDTH } from '../../../../../src-renderer/features/inbox/pane-width.ts';
import { DEFAULT_SETTINGS, LIST_PANE_WIDTH, SettingsPatch } from '../../../../../src-preload/contract/index.ts';

test('the splitter offers exactly the widths the listPaneWidth setting accepts', () => {
  assert.deepEqual({ min: PANE_WIDTH.min, max: PANE_WIDTH.max }, LIST_PANE_WIDTH);
  assert.equal(PANE_WIDTH.default, DEFAULT_SETTINGS.listPaneWidth);
  assert.equal(SettingsPatch.safeParse({ listPaneWidth: PANE_WIDTH.max }).success, true);
  assert.equal(SettingsPatch.safeParse({ listPaneWidth: PANE_WIDTH.max + 1 }).success, false);
  assert.equal(SettingsPatch.safeParse({ listPaneWidth: PANE_WIDTH.min - 1 }).success, false);
});
