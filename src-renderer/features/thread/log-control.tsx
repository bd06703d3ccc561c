// "Log to CRM" for one message with its live state: queued → logged, failed with the
// reason and Retry, paused with "Reconnect CRM". State comes from the thread query, which
// crm:log-states events refresh.
import type { MessageLogState } from '../../../src-preload/contract/index.ts';
import { useLogMessage, useRetryLog } from '../../api/mutations.ts';
import { LogBadge } from '../../components/log-badge.tsx';
import { CRM_NAMES } from '../compose/compose-log-toggle.tsx';

/** Where a message is logged: `to HubSpot · contact and company · deal “Gas supply 2002”`. */
export function loggedWhere(logState: MessageLogState): string {
  const items = logState.items.filter((i) => i.state === 'logged' || i.state === 'queued');
  if (!items.length) return '';
  const crms = [...new Set(items.map((i) => CRM_NAMES[i.crm as keyof typeof CRM_NAMES] ?? i.crm))];
  const records = items.some((i) => i.withCompany) ? 'contact and company' : items.length > 1 ? `${items.length} contacts` : 'contact';
  const deals = [...new Set(items.flatMap((i) => i.deals))];
  const deal = deals.length ? ` · deal ${deals.map((d) => (d ? `“${d}”` : '(closed)')).join(', ')}` : '';
  return `to ${crms.join(', ')} · ${records}${deal}`;
}

interface LogControlProps {
  threadId: number;
  logState: MessageLogState;
  onOpenSettings(): void;
}

export function LogControl({ threadId, logState, onOpenSettings }: LogControlProps) {
  const log = useLogMessage(threadId);
  const retry = useRetryLog(threadId);
  const { state, error } = logState;
  const reason = error ?? logState.items.find((item) => item.error)?.error ?? null;
  return (
    <div className="log-control" role="group" aria-label="CRM log" data-log-state={state}>
      {state === 'none' ? (
        <button type="button" className="button button-small button-primary" onClick={() => log.mutate(logState.messageId)}>
          Log to CRM
        </button>
      ) : (
        <span role="status" aria-label="CRM log state">
          <LogBadge state={state} error={reason} />
          {(state === 'logged' || state === 'queued') && <span className="log-where"> {loggedWhere(logState)}</span>}
        </span>
      )}
      {state === 'failed' && (
        <>
          {reason && <span className="log-error">{reason}</span>}
          <button type="button" className="button button-small" disabled={retry.isPending} onClick={() => retry.mutate(logState)}>
            Retry
          </button>
        </>
      )}
      {state === 'paused' && (
        <>
          {reason && <span className="log-error">{reason}</span>}
          <button type="button" className="button button-small" onClick={onOpenSettings}>
            Reconnect CRM
          </button>
        </>
      )}
    </div>
  );
}
