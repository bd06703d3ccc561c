// The CRM log state of one message as a compact badge, shared by the thread view and the
// contact timeline so "logged" looks the same everywhere.
import type { LogStateName } from '../../src-preload/contract/index.ts';

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
