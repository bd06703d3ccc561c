// The CRM connection: HubSpot private-app token (never shown again; main verifies it with
// HubSpot and keeps it only in the encrypted store), status and outbox counts, disconnect.
import { useState, type FormEvent } from 'react';
import { useConnectCrm, useDisconnectCrm } from '../../api/mutations.ts';
import { useCrmStatus } from '../../api/queries.ts';
import { describeError } from '../../components/toasts.tsx';

export function CrmSection() {
  const { data: status, error: statusError } = useCrmStatus();
  const connect = useConnectCrm();
  const disconnect = useDisconnectCrm();
  const [token, setToken] = useState('');

  const save = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate(token.trim(), { onSuccess: () => setToken('') });
  };

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
      <form className="crm-form" onSubmit={save}>
        <label htmlFor="hubspot-token">HubSpot private-app token</label>
        <div className="inline-fields">
          <input
            id="hubspot-token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            placeholder={status?.state === 'connected' ? 'Saved — enter a new token to replace it' : 'pat-…'}
            onChange={(e) => setToken(e.target.value)}
          />
          <button type="submit" className="button button-primary" disabled={connect.isPending || token.trim().length < 10}>
            {connect.isPending ? 'Verifying…' : 'Save'}
          </button>
          {status?.state !== 'not_connected' && status && (
            <button type="button" className="button button-danger" disabled={disconnect.isPending} onClick={() => disconnect.mutate()}>
              Disconnect CRM
            </button>
          )}
        </div>
        {connect.isSuccess && (
          <p role="status" className="field-ok">
            Token verified: connected to {connect.data.accountLabel ?? 'HubSpot'}
          </p>
        )}
        {connect.isError && (
          <p role="alert" className="field-error">
            {describeError(connect.error)}
          </p>
        )}
      </form>
    </section>
  );
}
