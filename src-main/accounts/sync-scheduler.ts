// Background sync: every connected mailbox syncs once per `syncIntervalMinutes` (a
// setting), re-armed when the setting changes. One timer, unref'd so it never holds a
// process open; overlapping runs are avoided by syncAccount joining a running sync.
import type { Account } from '../store/types.ts';
import { createLogger } from '../platform/logger.ts';

const log = createLogger('sync.scheduler');

export interface SyncSchedulerOptions {
  accounts(): Account[];
  /** Starts (or joins) an account's sync; must not throw. */
  startSync(accountId: number): void;
  intervalMinutes(): number;
  onIntervalChange(listener: () => void): () => void;
}

/** Starts the schedule; returns stop(). The first round runs one interval after start. */
export function startSyncScheduler(options: SyncSchedulerOptions): () => void {
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (timer) clearInterval(timer);
    const ms = options.intervalMinutes() * 60_000;
    timer = setInterval(() => {
      const due = options.accounts().filter((a) => a.status === 'connected' && a.provider !== 'import');
      log.info('scheduled sync', { accounts: due.length });
      for (const account of due) options.startSync(account.id);
    }, ms);
    timer.unref();
  };
  arm();
  const unsubscribe = options.onIntervalChange(arm);
  return () => {
    unsubscribe();
    if (timer) clearInterval(timer);
  };
}
