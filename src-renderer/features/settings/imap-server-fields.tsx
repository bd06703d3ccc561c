// The "Server settings" part of the IMAP form: host, port, security and user name, behind a
// disclosure that stays shut unless the rep opens it or main found no server for the address.
import type { ImapField } from './imap-failure.ts';

export type ImapSecurity = 'tls' | 'starttls';

export interface ImapServerValues {
  host: string;
  port: string;
  /** The rep typed a port: changing Security no longer resets it. */
  portEdited: boolean;
  security: ImapSecurity;
  /** Empty until the rep types one: the email address is the user name then. */
  user: string;
  userEdited: boolean;
}

export const DEFAULT_PORTS: Record<ImapSecurity, number> = { tls: 993, starttls: 143 };

export const initialServerValues = (): ImapServerValues => ({
  host: '',
  port: String(DEFAULT_PORTS.tls),
  portEdited: false,
  security: 'tls',
  user: '',
  userEdited: false,
});

/** Ref callback and invalid-state attributes for one field, owned by the form. */
export interface FieldBinding {
  ref(element: HTMLInputElement | HTMLSelectElement | null): void;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

interface ImapServerFieldsProps {
  values: ImapServerValues;
  email: string;
  expanded: boolean;
  onToggle(): void;
  onChange(values: ImapServerValues): void;
  bind(field: ImapField): FieldBinding;
}

export function ImapServerFields({ values, email, expanded, onToggle, onChange, bind }: ImapServerFieldsProps) {
  const set = (patch: Partial<ImapServerValues>) => onChange({ ...values, ...patch });
  return (
    <div className="imap-server">
      <button type="button" className="button button-quiet imap-disclosure" aria-expanded={expanded} aria-controls="imap-server-fields" onClick={onToggle}>
        <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> Server settings
      </button>
      <div id="imap-server-fields" className="imap-server-fields" role="group" aria-label="Server settings" hidden={!expanded}>
        <p className="muted imap-hint">Leave the server empty to let Mailbridge find it from your address.</p>
        <div className="imap-field">
          <label htmlFor="imap-host">IMAP server</label>
          <input
            id="imap-host"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="imap.example.com"
            value={values.host}
            onChange={(e) => set({ host: e.target.value })}
            {...bind('host')}
          />
        </div>
        <div className="imap-field-row">
          <div className="imap-field">
            <label htmlFor="imap-port">Port</label>
            <input
              id="imap-port"
              type="number"
              inputMode="numeric"
              min={1}
              max={65_535}
              value={values.port}
              onChange={(e) => set({ port: e.target.value, portEdited: true })}
              {...bind('port')}
            />
          </div>
          <div className="imap-field">
            <label htmlFor="imap-security">Security</label>
            <select
              id="imap-security"
              value={values.security}
              onChange={(e) => {
                const security = e.target.value as ImapSecurity;
                set(values.portEdited ? { security } : { security, port: String(DEFAULT_PORTS[security]) });
              }}
              {...bind('security')}
            >
              <option value="tls">TLS (port 993)</option>
              <option value="starttls">STARTTLS (port 143)</option>
            </select>
          </div>
        </div>
        <div className="imap-field">
          <label htmlFor="imap-user">User name</label>
          <input
            id="imap-user"
            type="text"
            autoComplete="username"
            spellCheck={false}
            value={values.userEdited ? values.user : email}
            onChange={(e) => set({ user: e.target.value, userEdited: true })}
            {...bind('user')}
          />
        </div>
      </div>
    </div>
  );
}
