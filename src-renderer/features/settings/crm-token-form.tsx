// The CRM token form (HubSpot private-app token, Pipedrive personal API token), in Settings
// and in the first-run screen: main verifies the token with the CRM before keeping it
// (encrypted store only); the field is cleared on success and the token is never shown again.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { CrmStatus } from '../../../src-preload/contract/index.ts';
import { useConnectCrm } from '../../api/mutations.ts';
import { describeError } from '../../components/toasts.tsx';

/** What each token-based CRM calls its token, and what one looks like. */
export const TOKEN_CRMS = {
  hubspot: { name: 'HubSpot', label: 'HubSpot private-app token', placeholder: 'pat-…' },
  pipedrive: { name: 'Pipedrive', label: 'Pipedrive personal API token', placeholder: 'Settings → Personal preferences → API' },
} as const;

interface CrmTokenFormProps {
  /** Which CRM the token is for; default HubSpot. */
  crm?: keyof typeof TOKEN_CRMS;
  /** A token is saved already: the placeholder says a new one replaces it. */
  connected: boolean;
  onConnected?(status: CrmStatus): void;
  /** Further buttons beside Save (Disconnect in Settings). */
  children?: ReactNode;
}

export function CrmTokenForm({ crm = 'hubspot', connected, onConnected, children }: CrmTokenFormProps) {
  const words = TOKEN_CRMS[crm];
  const connect = useConnectCrm();
  const [token, setToken] = useState('');
  const save = (event: FormEvent) => {
    event.preventDefault();
    // The promise, not mutate's callbacks: connecting can unmount this form (the first-run
    // screen gives way once the CRM status says connected), and mutate's callbacks are then
    // dropped, while onConnected must still run. A failure is shown from connect.error.
    connect.mutateAsync({ crm, accessToken: token.trim() }).then(
      (status) => {
        setToken('');
        onConnected?.(status);
      },
      () => {},
    );
  };
  return (
    <form className="crm-form" onSubmit={save}>
      <label htmlFor={`${crm}-token`}>{words.label}</label>
      <div className="inline-fields">
        <input
          id={`${crm}-token`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          placeholder={connected ? 'Saved — enter a new token to replace it' : words.placeholder}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={connect.isPending || token.trim().length < 10}>
          {connect.isPending ? 'Verifying…' : 'Save'}
        </button>
        {children}
      </div>
      {connect.isSuccess && (
        <p role="status" className="field-ok">
          Token verified: connected to {connect.data.accountLabel ?? words.name}
        </p>
      )}
      {connect.isError && (
        <p role="alert" className="field-error">
          {describeError(connect.error)}
        </p>
      )}
    </form>
  );
}
