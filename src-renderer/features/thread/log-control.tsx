// "Log to CRM" for one message with its live state: queued → logged, failed with the
// reason and Retry, paused with "Reconnect CRM". State comes from the thread query, which
// crm:log-states events refresh.
import type { MessageLogState } from '../../../src-preload/contract/index.ts';
import { useLogMessage, useRetryLog } from '../../api/mutations.ts';
import { LogBadge } from '../../components/log-badge.tsx';

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
