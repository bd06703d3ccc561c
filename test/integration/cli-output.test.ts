// The CLI as a script or a CI job sees it (issue 15 item 6): with stderr a pipe, progress is
// one line per step instead of carriage-return updates that run together; a search that
// matches nothing says so on stderr and exits 1, as grep does, with stdout left empty (or `[]`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli-process.ts';

const MAILBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/germany-c/inbox');
const skip = existsSync(MAILBOX) ? false : `../shared/data is absent (${MAILBOX}): the CLI test imports real mail`;

const cli = (...args: string[]) => runCli(args);

describe('CLI output when it is not a terminal', { skip }, () => {
  const profile = mkdtempSync(join(tmpdir(), 'mailbridge-cli-output-'));
  before(async () => {
    const { code } = await cli('import', MAILBOX, '--profile', profile);
    assert.equal(code, 0);
  });
  after(() => rmSync(profile, { recursive: true, force: true }));

  test('import progress is one line per step, with no carriage returns', async () => {
    const { code, stderr } = await cli('import', MAILBOX, '--profile', join(profile, 'second'));
    assert.equal(code, 0);
    assert.ok(!stderr.includes('\r'), 'no carriage returns in piped output');
    const steps = stderr.split('\n').filter((line) => line.startsWith('imported'));
    assert.ok(steps.length >= 2, `${steps.length} progress lines`);
    for (const line of steps) assert.match(line, /^imported \d+$/);
    const counts = steps.map((line) => Number(line.split(' ')[1]));
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'steps in order, each once');
    assert.equal(new Set(counts).size, counts.length);
  });

  test('a mistyped command is a usage error (exit 2) before the keychain or the profile is touched', async () => {
    const fresh = join(profile, 'never-made');
    const { DBUS_SESSION_BUS_ADDRESS: _bus, ...noKeychain } = process.env;
    const run = await runCli(['serach', 'gas', '--profile', fresh], { ...noKeychain, MAILBRIDGE_LOG_LEVEL: 'error' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command serach/);
    assert.doesNotMatch(run.stderr, /Secret Service|keychain/i);
    assert.equal(existsSync(fresh), false, 'no profile made for it');
  });

  test('a search that matches nothing prints "no messages match" on stderr and exits 1', async () => {
    const none = await cli('search', 'zyzzyvaqua', '--profile', profile);
    assert.deepEqual({ code: none.code, stdout: none.stdout, stderr: none.stderr.trim() }, { code: 1, stdout: '', stderr: 'no messages match' });
    const json = await cli('search', 'zyzzyvaqua', '--json', '--profile', profile);
    assert.deepEqual({ code: json.code, page: JSON.parse(json.stdout) }, { code: 1, page: { threads: [], next: null, hints: [] } });
    const some = await cli('search', 'enron', '--limit', '3', '--profile', profile);
    assert.equal(some.code, 0);
    const lines = some.stdout.trim().split('\n');
    assert.equal(lines.length, 3, 'one line per conversation');
    for (const line of lines) assert.match(line, /^\d+\t\d{4}-\d\d-\d\d\t\S+\t.*\t\d+ messages?$/);
    const threadIds = lines.map((line) => line.split('\t')[0]);
    assert.equal(new Set(threadIds).size, 3, 'each conversation once');
  });
});
