// The HubSpot private-app token form, in Settings and in the first-run screen: main verifies
// the token with HubSpot before keeping it (encrypted store only); the field is cleared on
// success and the token is never shown again.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { CrmStatus } from '../../../src-preload/contract/index.ts';
import { useConnectCrm } from '../../api/mutations.ts';
import { describeError } from '../../components/toasts.tsx';

interface CrmTokenFormProps {
  /** A token is saved already: the placeholder says a new one replaces it. */
  connected: boolean;
  onConnected?(status: CrmStatus): void;
  /** Further buttons beside Save (Disconnect in Settings). */
  children?: ReactNode;
}

export function CrmTokenForm({ connected, onConnected, children }: CrmTokenFormProps) {
  const connect = useConnectCrm();
  const [token, setToken] = useState('');
  const save = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate(token.trim(), {
      onSuccess: (status) => {
        setToken('');
        onConnected?.(status);
      },
    });
  };
  return (
    <form className="crm-form" onSubmit={save}>
      <label htmlFor="hubspot-token">HubSpot private-app token</label>
      <div className="inline-fields">
        <input
          id="hubspot-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          placeholder={connected ? 'Saved — enter a new token to replace it' : 'pat-…'}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={connect.isPending || token.trim().length < 10}>
          {connect.isPending ? 'Verifying…' : 'Save'}
        </button>
        {children}
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
  );
}
