// Small helpers shared by the benchmarks: percentiles over samples, rounding for the report,
// a seeded PRNG so every run draws the same inputs, a child-process JSON runner and the CPU
// time of another process.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Nearest-rank percentile (p in 0..100) of `samples`; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Rounds to `digits` decimals (figures in the report stay readable). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export { seededRandom } from '../seeded-random.ts';

/**
 * Runs `node script args…` and resolves with the last stdout line parsed as JSON.
 * stderr passes through. Rejects when the child exits non-zero or prints no JSON.
 */
export function runNodeJson<T>(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with ${code ?? signal}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result`));
      }
    });
  });
}

let clockTicks: number | undefined;

/** utime + stime of `pid` from /proc/PID/stat (fields 14 and 15, in clock ticks); null when unreadable. */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}
