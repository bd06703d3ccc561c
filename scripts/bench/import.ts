// Offline import benchmark: the corpus imported into a fresh profile by a child process,
// so its peak RSS is the import's own and not the bench's. The same file is that child
// (run directly: `node scripts/bench/import.ts CORPUS PROFILE_DIR`).
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openServices } from '../../src-main/app/assemble.ts';
import { setLogSink } from '../../src-main/platform/logger.ts';
import { DATABASE_FILE } from '../../src-main/platform/paths.ts';
import { round, runNodeJson } from './figures.ts';

export interface ImportFigures {
  messages: number;
  inserted: number;
  withWarnings: number;
  /** importMailbox alone: read, parse, store (profile and key creation excluded). */
  seconds: number;
  messagesPerSecond: number;
  /** Peak resident set of the importing process, MB (MiB, from getrusage maxRSS). */
  peakRssMb: number;
  /** CPU time of the importing process (main thread + mail worker) during importMailbox, s. */
  cpuSeconds: number;
  /** The database file after import (WAL checkpointed at close) ÷ the corpus's bytes on disk (issue 9 goal ≤ 1.0). */
  databaseBytesPerRawByte: number;
}

interface ChildReport {
  read: number;
  inserted: number;
  withWarnings: number;
  seconds: number;
  cpuSeconds: number;
  maxRssKb: number;
}

/** Imports `corpus` into `profileDir` in a child process (inside the same keyring session). */
export async function benchImport(corpus: string, profileDir: string): Promise<ImportFigures> {
  const report = await runNodeJson<ChildReport>(fileURLToPath(import.meta.url), [corpus, profileDir]);
  return {
    messages: report.read,
    inserted: report.inserted,
    withWarnings: report.withWarnings,
    seconds: round(report.seconds, 2),
    messagesPerSecond: Math.round(report.read / report.seconds),
    peakRssMb: round(report.maxRssKb / 1024),
    cpuSeconds: round(report.cpuSeconds, 2),
    databaseBytesPerRawByte: round(statSync(join(profileDir, DATABASE_FILE)).size / bytesUnder(corpus), 2),
  };
}

/** Bytes of every file below `dir` (the mail as it came). */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

async function importChild(corpus: string, profileDir: string): Promise<ChildReport> {
  setLogSink((line) => process.stderr.write(line + '\n'), 'warn');
  const services = await openServices({ profileDir, config: { google: {} } });
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await services.importMailbox(corpus);
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    return { read: result.read, inserted: result.inserted, withWarnings: result.withWarnings, seconds, cpuSeconds: (user + system) / 1e6, maxRssKb: 0 };
  } finally {
    await services.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [corpus, profileDir] = process.argv.slice(2);
  if (!corpus || !profileDir) throw new Error('usage: node scripts/bench/import.ts CORPUS PROFILE_DIR');
  const report = await importChild(corpus, profileDir);
  // maxRSS is in KB (getrusage ru_maxrss), read after close so the WAL checkpoint counts too.
  report.maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify(report) + '\n');
}
