// Salesforce in Settings: the org's login host (production, sandbox or a My Domain) and
// "Sign in with Salesforce", which opens the system browser (OAuth 2.0 + PKCE, no secret);
// main keeps the tokens encrypted and never hands them here.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useConnectSalesforce } from '../../api/mutations.ts';
import { describeError } from '../../components/toasts.tsx';

const HOSTS = {
  production: 'https://login.salesforce.com',
  sandbox: 'https://test.salesforce.com',
} as const;

interface SalesforceSignInProps {
  connected: boolean;
  /** The login host from the profile config: the form starts on it (a My Domain filled in). */
  configuredLoginUrl?: string | undefined;
  /** Further buttons beside the sign-in (Disconnect). */
  children?: ReactNode;
}

export function SalesforceSignIn({ connected, configuredLoginUrl, children }: SalesforceSignInProps) {
  const connect = useConnectSalesforce();
  const configured = orgOf(configuredLoginUrl);
  const [org, setOrg] = useState<Org>(configured.org);
  const [myDomain, setMyDomain] = useState(configured.myDomain);
  const loginUrl = org === 'mydomain' ? myDomainUrl(myDomain) : HOSTS[org];

  const signIn = (event: FormEvent) => {
    event.preventDefault();
    if (loginUrl) connect.mutate({ loginUrl });
  };
  return (
    <form className="crm-form" onSubmit={signIn}>
      <label htmlFor="salesforce-org">Salesforce org</label>
      <div className="inline-fields">
        <select id="salesforce-org" value={org} onChange={(e) => setOrg(e.target.value as typeof org)}>
          <option value="production">Production (login.salesforce.com)</option>
          <option value="sandbox">Sandbox (test.salesforce.com)</option>
          <option value="mydomain">My Domain</option>
        </select>
        {org === 'mydomain' && (
          <input
            aria-label="My Domain"
            placeholder="acme.my.salesforce.com"
            spellCheck={false}
            value={myDomain}
            onChange={(e) => setMyDomain(e.target.value)}
          />
        )}
        <button type="submit" className="button button-primary" disabled={connect.isPending || !loginUrl}>
          {connect.isPending ? 'Finish signing in in your browser…' : connected ? 'Sign in again' : 'Sign in with Salesforce'}
        </button>
        {children}
      </div>
      {connect.isSuccess && (
        <p role="status" className="field-ok">
          Signed in: connected to {connect.data.accountLabel ?? 'Salesforce'}
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

type Org = 'production' | 'sandbox' | 'mydomain';

/** Which choice a configured login host is: production, sandbox, or a My Domain (its host filled in). */
function orgOf(loginUrl: string | undefined): { org: Org; myDomain: string } {
  const origin = loginUrl ? myDomainUrl(loginUrl) : null;
  if (!origin || origin === HOSTS.production) return { org: 'production', myDomain: '' };
  if (origin === HOSTS.sandbox) return { org: 'sandbox', myDomain: '' };
  return { org: 'mydomain', myDomain: new URL(origin).host };
}

/** `acme.my.salesforce.com` or a full https URL → the https origin; null when it is not a host name. */
function myDomainUrl(typed: string): string | null {
  const text = typed.trim();
  if (!text) return null;
  try {
    const url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
    return url.protocol === 'https:' && url.hostname.includes('.') ? url.origin : null;
  } catch {
    return null;
  }
}
