// The process boundaries and src-main's layering are enforced by the build (CONVENTIONS.md
// §7): these tests prove the ESLint rules fire on violations and stay quiet on allowed
// imports, and that the whole tree lints and typechecks clean.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

const RESTRICTED = '@typescript-eslint/no-restricted-imports';

describe('process boundaries', () => {
  test('plain-Node modules in src-main may not import electron', async () => {
    assert.ok((await ruleIds('src-main/mail/example.ts', "import { app } from 'electron';\nexport const a = app;\n")).includes(RESTRICTED));
    assert.ok((await ruleIds('src-main/store/example.ts', "import electron from 'electron';\nexport const e = electron;\n")).includes(RESTRICTED));
  });

  test('the Electron shell may import electron', async () => {
    assert.ok(!(await ruleIds('src-main/windows/example.ts', "import { BrowserWindow } from 'electron';\nexport const w = BrowserWindow;\n")).includes(RESTRICTED));
  });

  test('src-main imports only from the layers below its folder', async () => {
    const LAYERING = 'mailbridge/layering';
    const storeImportsMail = "import { parseMessage } from '../mail/mime/index.ts';\nexport const p = parseMessage;\n";
    const crmImportsAccounts = "import { AccountSync } from '../accounts/account-sync.ts';\nexport const a = AccountSync;\n";
    const platformImportsStore = "import { openProfileStore } from '../store/profile-store.ts';\nexport const o = openProfileStore;\n";
    const mailImportsPreload = "import '../../src-preload/index.ts';\n";
    assert.ok((await ruleIds('src-main/store/example.ts', storeImportsMail)).includes(LAYERING));
    assert.ok((await ruleIds('src-main/crm/example.ts', crmImportsAccounts)).includes(LAYERING));
    assert.ok((await ruleIds('src-main/platform/example.ts', platformImportsStore)).includes(LAYERING));
    assert.ok((await ruleIds('src-main/mail/example.ts', mailImportsPreload)).includes(LAYERING));
    // Downward imports, the contract, and the store's type-only view of the data it persists are allowed.
    const accountsImportsCrm = "import { Outbox } from '../crm/outbox.ts';\nexport const o = Outbox;\n";
    const storeTypes = "import type { ParsedMessage } from '../mail/types.ts';\nexport type P = ParsedMessage;\n";
    const contract = "import { channels } from '../../src-preload/contract/index.ts';\nexport const c = channels;\n";
    assert.ok(!(await ruleIds('src-main/accounts/example.ts', accountsImportsCrm)).includes(LAYERING));
    assert.ok(!(await ruleIds('src-main/store/example.ts', storeTypes)).includes(LAYERING));
    assert.ok(!(await ruleIds('src-main/crm/example.ts', contract)).includes(LAYERING));
  });

  test('the renderer imports only types from the preload contract', async () => {
    const value = "import { channels } from '../../src-preload/contract/index.ts';\nexport const c = channels;\n";
    const typeOnly = "import type { Stats } from '../../src-preload/contract/index.ts';\nexport type S = Stats;\n";
    const preload = "import '../../src-preload/index.ts';\n";
    assert.ok((await ruleIds('src-renderer/app/example.tsx', value)).includes(RESTRICTED));
    assert.ok(!(await ruleIds('src-renderer/app/example.tsx', typeOnly)).includes(RESTRICTED));
    assert.ok((await ruleIds('src-renderer/app/example.tsx', preload)).includes(RESTRICTED));
    assert.ok((await ruleIds('src-renderer/app/example.tsx', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).includes(RESTRICTED));
  });

  test('the whole tree lints clean', async () => {
    const results = await eslint.lintFiles(['.']);
    const problems = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.ruleId} ${m.message}`));
    assert.deepEqual(problems, []);
  });

  test('the node and web TypeScript projects typecheck', async () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    for (const project of ['tsconfig.node.json', 'tsconfig.web.json']) {
      await promisify(execFile)(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root }).catch((error: { stdout?: string }) => {
        assert.fail(`${project}:\n${error.stdout ?? error}`);
      });
    }
  });
});
