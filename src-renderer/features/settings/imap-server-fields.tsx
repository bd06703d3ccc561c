// The "Server settings" part of the IMAP form: host, port, security and user name, then the
// outgoing server (SMTP host, port and security, or "No outgoing server"), behind a disclosure
// that stays shut unless the rep opens it or main could not use what it found for the address.
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
  /** Empty: main finds the outgoing server from the address (and checks it signs in). */
  smtpHost: string;
  smtpPort: string;
  /** The rep typed an SMTP port: changing its security no longer resets it. */
  smtpPortEdited: boolean;
  smtpSecurity: ImapSecurity;
  /** "No outgoing server (read only)": the account reads and changes mail but does not send. */
  noSmtp: boolean;
}

export const DEFAULT_PORTS: Record<ImapSecurity, number> = { tls: 993, starttls: 143 };
export const DEFAULT_SMTP_PORTS: Record<ImapSecurity, number> = { starttls: 587, tls: 465 };

export const initialServerValues = (): ImapServerValues => ({
  host: '',
  port: String(DEFAULT_PORTS.tls),
  portEdited: false,
  security: 'tls',
  user: '',
  userEdited: false,
  smtpHost: '',
  smtpPort: String(DEFAULT_SMTP_PORTS.starttls),
  smtpPortEdited: false,
  smtpSecurity: 'starttls',
  noSmtp: false,
});

/** Ref callback and invalid-state attributes for one field, owned by the form. */
export interface FieldBinding {
  ref(element: HTMLInputElement | HTMLSelectElement | null): void;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/** `binding` also described by the hint `id` (kept first, before any error). */
const withHint = (binding: FieldBinding, id: string): FieldBinding => ({
  ...binding,
  'aria-describedby': [id, binding['aria-describedby']].filter(Boolean).join(' '),
});

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
        <fieldset className="imap-smtp">
          <legend>Outgoing server (SMTP)</legend>
          <p id="imap-smtp-hint" className="muted imap-hint">
            Leave it empty to let Mailbridge find it; it signs in with the same user name and password.
          </p>
          <label className="checkbox">
            <input type="checkbox" checked={values.noSmtp} onChange={(e) => set({ noSmtp: e.target.checked })} />
            No outgoing server (read only)
          </label>
          <div className="imap-field">
            <label htmlFor="imap-smtp-host">SMTP server</label>
            <input
              id="imap-smtp-host"
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder="smtp.example.com"
              disabled={values.noSmtp}
              value={values.smtpHost}
              onChange={(e) => set({ smtpHost: e.target.value })}
              {...withHint(bind('smtpHost'), 'imap-smtp-hint')}
            />
          </div>
          <div className="imap-field-row">
            <div className="imap-field">
              <label htmlFor="imap-smtp-port">SMTP port</label>
              <input
                id="imap-smtp-port"
                type="number"
                inputMode="numeric"
                min={1}
                max={65_535}
                disabled={values.noSmtp}
                value={values.smtpPort}
                onChange={(e) => set({ smtpPort: e.target.value, smtpPortEdited: true })}
                {...bind('smtpPort')}
              />
            </div>
            <div className="imap-field">
              <label htmlFor="imap-smtp-security">SMTP security</label>
              <select
                id="imap-smtp-security"
                disabled={values.noSmtp}
                value={values.smtpSecurity}
                onChange={(e) => {
                  const smtpSecurity = e.target.value as ImapSecurity;
                  set(values.smtpPortEdited ? { smtpSecurity } : { smtpSecurity, smtpPort: String(DEFAULT_SMTP_PORTS[smtpSecurity]) });
                }}
                {...bind('smtpSecurity')}
              >
                <option value="starttls">STARTTLS (port 587)</option>
                <option value="tls">TLS (port 465)</option>
              </select>
            </div>
          </div>
        </fieldset>
      </div>
    </div>
  );
}
