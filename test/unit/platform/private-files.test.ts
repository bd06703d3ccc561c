// The profile's folder and files are the owner's alone on POSIX: created so, and tightened
// when an earlier version (or the rep) left them wider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile } from '../../../src-main/platform/paths.ts';
import { updateProfileConfig } from '../../../src-main/platform/profile-config.ts';

const posixOnly = { skip: process.platform === 'win32' && 'POSIX modes' } as const;
const mode = (path: string) => statSync(path).mode & 0o777;

test('a missing profile folder is made 0700; an existing 0755 one is tightened to 0700', posixOnly, () => {
  const root = mkdtempSync(join(tmpdir(), 'mb-private-'));
  try {
    ensurePrivateDir(join(root, 'new', 'profile'));
    assert.equal(mode(join(root, 'new', 'profile')), 0o700);
    const old = join(root, 'old');
    mkdirSync(old, { mode: 0o755 });
    chmodSync(old, 0o755);
    ensurePrivateDir(old);
    assert.equal(mode(old), 0o700);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a private file is created 0600 and keeps its content; wider files and companions are tightened', posixOnly, () => {
  const root = mkdtempSync(join(tmpdir(), 'mb-private-'));
  try {
    const file = join(root, 'data.db');
    ensurePrivateFile(file);
    assert.equal(mode(file), 0o600);
    writeFileSync(file, 'kept');
    writeFileSync(`${file}-wal`, 'wal', { mode: 0o644 });
    chmodSync(file, 0o644);
    ensurePrivateFile(file, [`${file}-wal`, `${file}-shm`]);
    assert.equal(mode(file), 0o600);
    assert.equal(mode(`${file}-wal`), 0o600);
    assert.equal(readFileSync(file, 'utf8'), 'kept');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('config.json is written 0600 inside a 0700 profile, also over a 0644 one', posixOnly, () => {
  const root = mkdtempSync(join(tmpdir(), 'mb-private-'));
  try {
    const profile = join(root, 'profile');
    mkdirSync(profile, { mode: 0o755 });
    writeFileSync(join(profile, 'config.json'), '{}\n', { mode: 0o644 });
    updateProfileConfig(profile, { hubspot: { apiUrl: 'https://api.hubapi.com' } });
    assert.equal(mode(profile), 0o700);
    assert.equal(mode(join(profile, 'config.json')), 0o600);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
