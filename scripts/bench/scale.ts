// The scale benchmark (issue 9 item 6, `npm run bench -- --scale[=N,…]`): a synthetic
// mailbox of N messages (synthetic-mailbox.ts) imported offline, synced in full from the
// Gmail emulator with its quota off, and synced again at Gmail's real quota until the inbox
// holds 500 threads, each into a fresh profile. Reports messages/s, the time until the
// newest 50 and 500 threads are in the inbox, database bytes ÷ raw bytes, peak RSS and the
// main thread's event-loop delay; across sizes, the cost per message of the largest run ÷
// that of the smallest.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../src-main/platform/paths.ts';
import { benchGmailSyncInChild, type GmailSyncFigures } from './gmail-sync.ts';
import { benchImport, type ImportFigures } from './import.ts';
import { round } from './figures.ts';
import { SYNTHETIC_REP, writeSyntheticMailbox, type SyntheticMailboxFigures } from './synthetic-mailbox.ts';

/** Issue 9's goals, read off the largest size run: the worse of import and sync where both have the figure. */
export const SCALE_GOALS = {
  scaleNewest50ThreadsSeconds: { max: 5 },
  scaleNewest500ThreadsSeconds: { max: 15 },
  scaleDatabaseBytesPerRawByte: { max: 1.0 },
  scalePeakRssMb: { max: 300 },
  scaleEventLoopDelayP99Ms: { max: 50 },
  scaleCostRatio: { max: 1.2 },
  scaleSyncMessagesPerSecond: { min: 1000 },
} as const;

/** The sizes the issue asks for when `--scale` names none. */
export const DEFAULT_SCALES = [10_000, 100_000];

export interface ScaleRunFigures {
  mailbox: SyntheticMailboxFigures & { generateSeconds: number };
  import: ImportFigures;
  syncQuotaOff: GmailSyncFigures & { databaseBytesPerRawByte: number };
  /** Stopped once 500 threads were in the inbox. */
  syncQuotaOn: GmailSyncFigures;
}

export interface ScaleFigures {
  runs: Record<string, ScaleRunFigures>;
  /** Seconds per message at the largest N ÷ at the smallest (goal ≤ 1.2); null with one size. */
  costRatio: { import: number; sync: number } | null;
}

/** `--scale` → the default sizes, `--scale=10000,50000` → those; null without the flag. */
export function scalesOf(argv: readonly string[]): number[] | null {
  const flag = argv.find((a) => a === '--scale' || a.startsWith('--scale='));
  if (!flag) return null;
  if (flag === '--scale') return DEFAULT_SCALES;
  const sizes = flag.slice('--scale='.length).split(',').map((s) => Number(s.replaceAll('_', '')));
  if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n < 100)) {
    throw new Error(`--scale takes message counts of at least 100, comma-separated (got ${flag})`);
  }
  return [...sizes].sort((a, b) => a - b);
}

/** One size: generate, import, sync with the quota off, sync at the quota until 500 threads. Work files are removed after. */
export async function benchScaleRun(options: { messages: number; caDir: string; work: string }): Promise<ScaleRunFigures> {
  const dir = join(options.work, `scale-${options.messages}`);
  const mailboxDir = join(dir, 'mailbox');
  try {
    const started = performance.now();
    const mailbox = await writeSyntheticMailbox({ dir: mailboxDir, messages: options.messages });
    const generateSeconds = round((performance.now() - started) / 1000);
    process.stderr.write(`  … scale ${options.messages}: ${mailbox.messages} messages (${round(mailbox.rawBytes / 1024 ** 2)} MB) written in ${generateSeconds} s\n`);

    const imported = await benchImport(mailboxDir, join(dir, 'import'));
    rmSync(join(dir, 'import'), { recursive: true, force: true });

    const offProfile = join(dir, 'sync-off');
    const syncOff = await benchGmailSyncInChild({ mailbox: mailboxDir, caDir: options.caDir, profileDir: offProfile, quota: false, email: SYNTHETIC_REP.address });
    const databaseBytesPerRawByte = round(statSync(join(offProfile, DATABASE_FILE)).size / mailbox.rawBytes, 2);
    rmSync(offProfile, { recursive: true, force: true });

    const syncOn = await benchGmailSyncInChild({ mailbox: mailboxDir, caDir: options.caDir, profileDir: join(dir, 'sync-on'), quota: true, stopAfterThreads: 500, email: SYNTHETIC_REP.address });
    return { mailbox: { ...mailbox, generateSeconds }, import: imported, syncQuotaOff: { ...syncOff, databaseBytesPerRawByte }, syncQuotaOn: syncOn };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Cost per message of the largest run ÷ the smallest's, for import and the quota-off sync. */
export function costRatio(runs: Record<string, ScaleRunFigures>): ScaleFigures['costRatio'] {
  const sizes = Object.keys(runs).map(Number).sort((a, b) => a - b);
  if (sizes.length < 2) return null;
  const [small, large] = [runs[String(sizes[0])]!, runs[String(sizes.at(-1))]!];
  const perMessage = (f: { seconds: number; messages: number }) => f.seconds / f.messages;
  return {
    import: round(perMessage(large.import) / perMessage(small.import), 2),
    sync: round(perMessage(large.syncQuotaOff) / perMessage(small.syncQuotaOff), 2),
  };
}

/** The report's lines for one size. */
export function scaleLines(n: number, f: ScaleRunFigures): string {
  const m = f.mailbox;
  return [
    `scale ${n.toLocaleString('en')}: synthetic mailbox of ${m.messages.toLocaleString('en')} messages, ${round(m.rawBytes / 1024 ** 2)} MB raw` +
      ` (${m.threads.toLocaleString('en')} threads, ${m.newsletters.toLocaleString('en')} newsletters, ${m.withAttachments.toLocaleString('en')} with` +
      ` ${m.attachments.toLocaleString('en')} attachments up to ${round(m.largestAttachmentBytes / 1024 ** 2)} MB, ${Object.keys(m.languages).length} languages,` +
      ` ${m.oldest.slice(0, 10)} – ${m.newest.slice(0, 10)}), generated in ${m.generateSeconds} s`,
    `  import: ${f.import.messagesPerSecond} messages/s, database ${f.import.databaseBytesPerRawByte} × raw (goal ≤ 1.0), peak RSS ${f.import.peakRssMb} MB (goal ≤ 300)`,
    `  gmail full sync, quota off: ${f.syncQuotaOff.messagesPerSecond} messages/s (goal ≥ 1000), database ${f.syncQuotaOff.databaseBytesPerRawByte} × raw,` +
      ` peak RSS ${f.syncQuotaOff.peakRssMb} MB, event-loop delay p99 ${f.syncQuotaOff.eventLoopDelay.p99Ms} ms (goal ≤ 50), max ${f.syncQuotaOff.eventLoopDelay.maxMs} ms`,
    `  gmail full sync at the real quota: newest 50 threads in the inbox after ${f.syncQuotaOn.firstThreadsSeconds[50] ?? '–'} s (goal ≤ 5),` +
      ` 500 after ${f.syncQuotaOn.firstThreadsSeconds[500] ?? '–'} s (goal ≤ 15); ${f.syncQuotaOn.rateLimited} × 429, event-loop delay p99 ${f.syncQuotaOn.eventLoopDelay.p99Ms} ms`,
  ].join('\n');
}

/** Every size in turn, smallest first, each line printed as it is measured; a size that fails is in `errors`. */
export async function benchScale(
  scales: readonly number[], options: { caDir: string; work: string }, print: (line: string) => void,
): Promise<{ scale: ScaleFigures; errors: Record<string, string> }> {
  const scale: ScaleFigures = { runs: {}, costRatio: null };
  const errors: Record<string, string> = {};
  for (const n of scales) {
    try {
      const figures = await benchScaleRun({ messages: n, ...options });
      scale.runs[String(n)] = figures;
      print(scaleLines(n, figures));
    } catch (error) {
      errors[`scale${n}`] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      print(`scale ${n}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  scale.costRatio = costRatio(scale.runs);
  if (scale.costRatio) {
    print(`cost per message, ${scales.at(-1)!.toLocaleString('en')} ÷ ${scales[0]!.toLocaleString('en')}: import ${scale.costRatio.import}×, sync ${scale.costRatio.sync}× (goal ≤ 1.2)`);
  }
  return { scale, errors };
}

/** The SCALE_GOALS figures of the largest size that ran. */
export function scaleGoalValues(scale: ScaleFigures | undefined): Partial<Record<keyof typeof SCALE_GOALS, number>> {
  const largest = Object.keys(scale?.runs ?? {}).map(Number).sort((a, b) => a - b).at(-1);
  const run = largest === undefined ? undefined : scale!.runs[String(largest)];
  if (!run) return {};
  const newest = run.syncQuotaOn.firstThreadsSeconds;
  return {
    ...(newest[50] !== null ? { scaleNewest50ThreadsSeconds: newest[50] } : {}),
    ...(newest[500] !== null ? { scaleNewest500ThreadsSeconds: newest[500] } : {}),
    scaleDatabaseBytesPerRawByte: Math.max(run.import.databaseBytesPerRawByte, run.syncQuotaOff.databaseBytesPerRawByte),
    scalePeakRssMb: Math.max(run.import.peakRssMb, run.syncQuotaOff.peakRssMb),
    scaleEventLoopDelayP99Ms: run.syncQuotaOff.eventLoopDelay.p99Ms,
    scaleSyncMessagesPerSecond: run.syncQuotaOff.messagesPerSecond,
    ...(scale!.costRatio ? { scaleCostRatio: Math.max(scale!.costRatio.import, scale!.costRatio.sync) } : {}),
  };
}
