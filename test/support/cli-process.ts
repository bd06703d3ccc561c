// The CLI as a script runs it: a child process with stdout and stderr piped (not a
// terminal), its exit code and both streams returned whatever the code.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const CLI = join(import.meta.dirname, '../../src-main/cli/main.ts');
const execFileAsync = promisify(execFile);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mailbridge ...args` under this Node with `env` (default: this process's, logs at error level). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = { ...process.env, MAILBRIDGE_LOG_LEVEL: 'error' }): Promise<CliRun> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
