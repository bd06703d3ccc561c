// The CRM connection: which CRM is in use (HubSpot, Pipedrive, Salesforce — one at a time,
// each keeping its own connection and history), its token (never shown again; main verifies
// it with the CRM and keeps it only in the encrypted store), status and outbox counts, disconnect.
import type { CrmStatus } from '../../../src-preload/contract/index.ts';
import { useActiveCrm, useDisconnectCrm } from '../../api/mutations.ts';
import { useCrmStatus } from '../../api/queries.ts';
import { describeError } from '../../components/toasts.tsx';
import { CRM_NAMES } from '../compose/compose-log-toggle.tsx';
import { CrmTokenForm, TOKEN_CRMS } from './crm-token-form.tsx';
import { SalesforceSignIn } from './salesforce-sign-in.tsx';

const CRMS = Object.keys(CRM_NAMES) as Array<CrmStatus['crm']>;

export function CrmSection() {
  const { data: status, error: statusError } = useCrmStatus();
  const disconnect = useDisconnectCrm();
  const choose = useActiveCrm();
  const crm = status?.crm ?? 'hubspot';

  const stateText =
    status?.state === 'connected'
      ? `Connected to ${status.accountLabel ?? status.name}`
      : status?.state === 'reconnect_required'
        ? crm === 'salesforce' ? 'Reconnect required: sign in again' : 'Reconnect required: save a new token'
        : 'Not connected';
  const disconnectButton = status && status.state !== 'not_connected' && (
    <button type="button" className="button button-danger" disabled={disconnect.isPending} onClick={() => disconnect.mutate()}>
      Disconnect {status.name}
    </button>
  );
  return (
    <section className="settings-section" aria-labelledby="crm-heading">
      <h2 id="crm-heading">CRM</h2>
      {statusError && <p role="alert" className="field-error">{describeError(statusError)}</p>}
      <fieldset className="crm-choice" disabled={choose.isPending}>
        <legend>Log emails to</legend>
        {CRMS.map((kind) => (
          <label key={kind} className="radio">
            <input type="radio" name="active-crm" value={kind} checked={crm === kind} onChange={() => choose.mutate(kind)} />
            {CRM_NAMES[kind]}
          </label>
        ))}
        <p className="muted">Each CRM keeps its own connection and what was logged to it; queued logs wait for the CRM they were made for.</p>
      </fieldset>
      {status && (
        <div className="crm-status" aria-label="CRM status" data-crm-state={status.state}>
          <strong>{status.name}</strong> · <span>{stateText}</span>
          {status.state !== 'not_connected' && (
            <span className="muted">
              {' · '}
              {status.online ? 'online' : 'offline'} · {status.pending} pending · {status.failed} failed
            </span>
          )}
          {status.lastError && <div className="field-error">{status.lastError}</div>}
        </div>
      )}
      {crm === 'salesforce' ? (
        <SalesforceSignIn key={status?.loginUrl ?? ''} connected={status?.state === 'connected'} configuredLoginUrl={status?.loginUrl}>{disconnectButton}</SalesforceSignIn>
      ) : (
        <CrmTokenForm key={crm} crm={crm as keyof typeof TOKEN_CRMS} connected={status?.state === 'connected'}>
          {disconnectButton}
        </CrmTokenForm>
      )}
    </section>
  );
}
