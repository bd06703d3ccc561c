// Background sync: every connected mailbox syncs once per `syncIntervalMinutes` (a
// setting), re-armed when the setting changes. One timer, unref'd so it never holds a
// process open; overlapping runs are avoided by AccountSync joining a running sync.
import type { SettingsService } from '../settings/settings-service.ts';
import { createLogger } from '../platform/logger.ts';
import type { Account } from '../store/types.ts';

const log = createLogger('sync.scheduler');

export interface SyncSchedulerOptions {
  accounts(): Account[];
  /** Starts (or joins) an account's sync; must not throw. */
  startSync(accountId: number): void;
  settings: Pick<SettingsService, 'get' | 'onChange'>;
}

/** Starts the schedule; returns stop(). The first round runs one interval after start. */
export function startSyncScheduler(options: SyncSchedulerOptions): () => void {
  let timer: NodeJS.Timeout | null = null;
  let armedMinutes = options.settings.get().syncIntervalMinutes;
  const arm = () => {
    if (timer) clearInterval(timer);
    timer = setInterval(() => {
      const due = options.accounts().filter((a) => a.status === 'connected' && a.provider !== 'import');
      log.info('scheduled sync', { accounts: due.length });
      for (const account of due) options.startSync(account.id);
    }, armedMinutes * 60_000);
    timer.unref();
  };
  arm();
  const unsubscribe = options.settings.onChange((next) => {
    if (next.syncIntervalMinutes === armedMinutes) return;
    armedMinutes = next.syncIntervalMinutes;
    arm();
  });
  return () => {
    unsubscribe();
    if (timer) clearInterval(timer);
  };
}
