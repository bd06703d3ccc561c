// Background sync: every connected mailbox is checked for new mail every
// `newMailCheckSeconds` (default 30) and walked whole every `syncIntervalMinutes` (default 5).
// A Gmail round is one history.list whatever its scope (2 quota units); an Outlook new-mail
// round walks Inbox and Sent Items only (GraphSync). Rounds pause while the machine sleeps or
// the network is down, and a whole round runs at once on wake or reconnection, or when the
// timer fires far later than asked (a sleep the OS did not announce). One timer, unref'd so it
// never holds a process open; overlapping runs are avoided by AccountSync joining a running sync.
import type { SyncScope } from '../mail/graph-sync.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { createLogger } from '../platform/logger.ts';
import type { Account } from '../store/types.ts';

const log = createLogger('sync.scheduler');

/** A tick this many intervals late means the machine slept. */
const SLEEP_FACTOR = 3;

export interface SyncSchedulerOptions {
  accounts(): Account[];
  /** Starts (or joins) an account's sync; must not throw. */
  startSync(accountId: number, scope: SyncScope): void;
  settings: Pick<SettingsService, 'get' | 'onChange'>;
  /** Whether the network is up (Electron's net.isOnline()); default: always. */
  online?(): boolean;
  /** Clock, ms (tests). */
  now?(): number;
}

export interface SyncScheduler {
  /** Stops the schedule for good. */
  stop(): void;
  /** The machine is going to sleep: no rounds until resume(). */
  suspend(): void;
  /** The machine woke: a whole round now (or as soon as the network is back), then the schedule. */
  resume(): void;
}

/** Starts the schedule; the first round (a whole one) runs one new-mail interval after start. */
export function startSyncScheduler(options: SyncSchedulerOptions): SyncScheduler {
  const now = options.now ?? Date.now;
  const online = options.online ?? (() => true);
  const intervalMs = () => options.settings.get().newMailCheckSeconds * 1_000;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let suspended = false;
  let missedWhileOffline = false;
  let lastTickAt = now();
  // The first round of a run is whole: the app may have been closed for days.
  let lastWholeAt = Number.NEGATIVE_INFINITY;

  const round = (whole: boolean) => {
    const at = now();
    whole ||= at - lastWholeAt >= options.settings.get().syncIntervalMinutes * 60_000;
    if (whole) lastWholeAt = at;
    const due = options.accounts().filter((a) => a.status === 'connected' && a.provider !== 'import');
    const scope: SyncScope = whole ? 'all' : 'new-mail';
    log.debug('scheduled sync', { accounts: due.length, scope });
    for (const account of due) options.startSync(account.id, scope);
  };

  const tick = () => {
    const at = now();
    const slept = at - lastTickAt > SLEEP_FACTOR * intervalMs();
    lastTickAt = at;
    if (!suspended) {
      if (!online()) missedWhileOffline = true;
      else {
        if (slept) log.info('the machine slept; catching up');
        round(missedWhileOffline || slept);
        missedWhileOffline = false;
      }
    }
    arm();
  };

  const arm = () => {
    if (timer) clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(tick, intervalMs());
    timer.unref();
  };

  arm();
  let armedSeconds = options.settings.get().newMailCheckSeconds;
  const unsubscribe = options.settings.onChange((next) => {
    if (next.newMailCheckSeconds === armedSeconds) return;
    armedSeconds = next.newMailCheckSeconds;
    arm();
  });

  return {
    stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
    suspend() {
      suspended = true;
    },
    resume() {
      if (stopped) return;
      suspended = false;
      lastTickAt = now();
      if (online()) round(true);
      else missedWhileOffline = true;
      arm();
    },
  };
}
