// The CRM connection: HubSpot private-app token (never shown again; main verifies it with
// HubSpot and keeps it only in the encrypted store), status and outbox counts, disconnect.
import { useDisconnectCrm } from '../../api/mutations.ts';
import { useCrmStatus } from '../../api/queries.ts';
import { describeError } from '../../components/toasts.tsx';
import { CrmTokenForm } from './crm-token-form.tsx';

export function CrmSection() {
  const { data: status, error: statusError } = useCrmStatus();
  const disconnect = useDisconnectCrm();

  const stateText =
    status?.state === 'connected'
      ? `Connected to ${status.accountLabel ?? 'HubSpot'}`
      : status?.state === 'reconnect_required'
        ? 'Reconnect required: save a new token'
        : 'Not connected';
  return (
    <section className="settings-section" aria-labelledby="crm-heading">
      <h2 id="crm-heading">CRM</h2>
      {statusError && <p role="alert" className="field-error">{describeError(statusError)}</p>}
      {status && (
        <div className="crm-status" aria-label="CRM status" data-crm-state={status.state}>
          <strong>HubSpot</strong> · <span>{stateText}</span>
          {status.state !== 'not_connected' && (
            <span className="muted">
              {' · '}
              {status.online ? 'online' : 'offline'} · {status.pending} pending · {status.failed} failed
            </span>
          )}
          {status.lastError && <div className="field-error">{status.lastError}</div>}
        </div>
      )}
      <CrmTokenForm connected={status?.state === 'connected'}>
        {status?.state !== 'not_connected' && status && (
          <button type="button" className="button button-danger" disabled={disconnect.isPending} onClick={() => disconnect.mutate()}>
            Disconnect CRM
          </button>
        )}
      </CrmTokenForm>
    </section>
  );
}
