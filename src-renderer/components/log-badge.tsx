// The CRM log state of one message as a compact badge, shared by the thread view and the
// contact timeline so "logged" looks the same everywhere.
import type { LogStateName, MessageLogState } from '../../src-preload/contract/index.ts';

const LABELS: Record<LogStateName, string> = {
  none: 'Not logged',
  queued: 'Queued',
  logged: 'Logged',
  failed: 'Failed',
  paused: 'Paused',
};

export function LogBadge({ state, error }: { state: LogStateName; error?: string | null }) {
  return (
    <span className={`badge log-badge log-${state}`} data-log-state={state} title={error ?? undefined}>
      {LABELS[state]}
    </span>
  );
}

/**
 * What a log did, for its toast: `Logging 2 messages of “Renewal” to ana@x.example` (queued:
 * the badges turn to Logged as the outbox delivers) or `Logged …` when already delivered.
 */
export function loggedText(subject: string, states: readonly MessageLogState[]): string {
  const contacts = [...new Set(states.flatMap((s) => s.items.map((i) => i.contactEmail)))];
  const delivered = states.every((s) => s.state === 'logged');
  const what = states.length === 1 ? `“${subject}”` : `${states.length} messages of “${subject}”`;
  const to = contacts.length ? ` to ${contacts.slice(0, 3).join(', ')}${contacts.length > 3 ? ` and ${contacts.length - 3} more` : ''}` : '';
  return `${delivered ? 'Logged' : 'Logging'} ${what}${to}`;
}
