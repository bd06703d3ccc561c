// Hostile attachment names made safe (issue 9 item 4): nothing leaves the folder, nothing a
// file system refuses, the extension kept where there was a sane one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeFileName } from '../../../../src-main/mail/attachments/safe-file-name.ts';
import { freePath } from '../../../../src-main/mail/attachments/headless-desktop.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cases: Array<[string | null, string]> = [
  ['invoice.pdf', 'invoice.pdf'],
  ['../../x', 'x'],
  ['..\\..\\Windows\\system32\\evil.dll', 'evil.dll'],
  ['/etc/passwd', 'passwd'],
  ['.bashrc', 'bashrc'],
  ['_draft.txt', '_draft.txt'],
  ['..', 'attachment-1'],
  ['CON', 'attachment-1'],
  ['nul.txt', 'attachment-1.txt'],
  ['com1.tar', 'attachment-1.tar'],
  ['report\u0000\u0007\u001b[31m.pdf', 'report___[31m.pdf'],
  ['what?<>:"|*.docx', 'what_______.docx'],
  ['trailing dots...', 'trailing dots_'],
  ['   ', 'attachment-1'],
  [null, 'attachment-1'],
  ['Résumé – Ünïcødé.pdf', 'Résumé – Ünïcødé.pdf'],
  ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
];

test('hostile names become safe names', () => {
  for (const [input, expected] of cases) assert.equal(safeFileName(input, 'attachment-1'), expected, JSON.stringify(input));
});

test('a 500-character name is cut to 255 bytes with its extension kept, multi-byte characters whole', () => {
  const ascii = safeFileName(`${'a'.repeat(500)}.pdf`, 'x');
  assert.equal(Buffer.byteLength(ascii), 255);
  assert.ok(ascii.endsWith('.pdf'));
  const wide = safeFileName(`${'é'.repeat(500)}.xlsx`, 'x');
  assert.ok(Buffer.byteLength(wide) <= 255);
  assert.ok(wide.endsWith('.xlsx'));
  assert.ok(!wide.includes('\uFFFD'), 'no character cut in half');
});

test('a name taken in Downloads becomes "name (1).ext", as browsers do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-downloads-'));
  try {
    assert.equal(freePath(dir, 'a.pdf'), join(dir, 'a.pdf'));
    writeFileSync(join(dir, 'a.pdf'), '');
    writeFileSync(join(dir, 'a (1).pdf'), '');
    assert.equal(freePath(dir, 'a.pdf'), join(dir, 'a (2).pdf'));
  } finally {
    rmSync(dir, { recursive: true });
  }
});
