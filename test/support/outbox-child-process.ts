// Runs test/support/outbox-child.ts as a separate process and reads its stdout lines, so a
// test can SIGKILL the outbox at a moment it names ("committed") and start it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CHILD = join(import.meta.dirname, 'outbox-child.ts');

export interface OutboxChild {
  child: ChildProcess;
  lines: AsyncIterator<string>;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts the child with `args` (see outbox-child.ts for them); stderr goes to the test's. */
export function runOutboxChild(args: string[]): OutboxChild {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MAILBRIDGE_LOG_LEVEL: 'warn' } });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

/** The next line starting with `prefix`; rejects when the child ends first or after `timeoutMs`. */
export async function nextLine(lines: AsyncIterator<string>, prefix: string, timeoutMs = 30_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no "${prefix}" line within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([lines.next(), deadline]);
      if (next.done) throw new Error(`child ended before "${prefix}"`);
      if (next.value.startsWith(prefix)) return next.value;
    }
  } finally {
    clearTimeout(timer);
  }
}
