// "Connect IMAP" in Settings and "Other mailbox (IMAP)" in the first run: any mailbox signed in
// with its address and password, or Microsoft 365 or Google mail over IMAP with that sign-in
// instead. Main tries the sign-in, and the outgoing server's, before
// storing anything and says in words why it failed; the form keeps what was typed and focuses
// the field most likely wrong. The password lives only in this form's state and its mutation,
// both gone once the dialog closes.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useIsMutating } from '@tanstack/react-query';
import type { AccountSummary, ChannelInput } from '../../../src-preload/contract/index.ts';
import { CONNECT_IMAP_KEY, useConnectImap, useConnectImapOAuth } from '../../api/mutations.ts';
import { Dialog } from '../../components/dialog.tsx';
import { describeError, showToast } from '../../components/toasts.tsx';
import { imapFailureField, isServerField, type ImapField } from './imap-failure.ts';
import { ImapServerFields, initialServerValues, type FieldBinding, type ImapServerValues } from './imap-server-fields.tsx';

export const IMAP_DIALOG_TITLE = 'Connect an IMAP mailbox';
const ERROR_ID = 'imap-connect-error';
const PASSWORD_HINT_ID = 'imap-password-hint';

interface ImapConnectDialogProps {
  open: boolean;
  /** Fills in the address, for signing in again to an account whose password changed. */
  email?: string;
  onClose(): void;
  /** The rep pressed Connect (the first run then follows a connected account to its CRM step). */
  onSubmit?(): void;
  onConnected?(account: AccountSummary): void;
}

export function ImapConnectDialog({ open, email = '', onClose, onSubmit, onConnected }: ImapConnectDialogProps) {
  // Esc does not close the dialog while the sign-in is in flight; the form is disabled meanwhile.
  const pending = useIsMutating({ mutationKey: CONNECT_IMAP_KEY }) > 0;
  return (
    <Dialog title={IMAP_DIALOG_TITLE} open={open} onClose={() => !pending && onClose()}>
      <ImapConnectForm
        initialEmail={email}
        onCancel={onClose}
        onSubmit={onSubmit}
        onConnected={(account) => {
          showToast(`Connected ${account.email}`);
          onClose();
          onConnected?.(account);
        }}
      />
    </Dialog>
  );
}

interface ImapConnectFormProps {
  initialEmail: string;
  onCancel(): void;
  onSubmit: (() => void) | undefined;
  onConnected(account: AccountSummary): void;
}

type ConnectInput = ChannelInput<'accounts:connect-imap'>;

const portNumber = (typed: string): number => (typed.trim() === '' ? NaN : Number(typed));

/** The outgoing server's part: none when ticked, the typed one, or nothing so main finds it. */
function smtpInput(server: ImapServerValues): Pick<ConnectInput, 'smtpHost' | 'smtpPort' | 'smtpSecurity'> {
  if (server.noSmtp) return { smtpHost: null };
  const smtpHost = server.smtpHost.trim();
  if (!smtpHost) return {};
  const smtpPort = portNumber(server.smtpPort);
  return { smtpHost, smtpSecurity: server.smtpSecurity, ...(Number.isNaN(smtpPort) ? {} : { smtpPort }) };
}

/** The server fields the contract gets: only when a server is named (otherwise main finds it, or takes Microsoft's). */
function serverInput(server: ImapServerValues): Omit<ConnectInput, 'email' | 'password'> {
  const host = server.host.trim();
  const user = server.userEdited ? server.user.trim() : '';
  const port = portNumber(server.port);
  return {
    ...(host ? { host, security: server.security, ...(Number.isNaN(port) ? {} : { port }) } : {}),
    ...(user ? { user } : {}),
    ...smtpInput(server),
  };
}

function connectInput(email: string, password: string, server: ImapServerValues): ConnectInput {
  return { email: email.trim(), password, ...serverInput(server) };
}

function ImapConnectForm({ initialEmail, onCancel, onSubmit, onConnected }: ImapConnectFormProps) {
  const withPassword = useConnectImap();
  const withOAuth = useConnectImapOAuth();
  // Whichever was tried last speaks for the form.
  const [method, setMethod] = useState<'password' | 'oauth'>('password');
  const connect = method === 'oauth' ? withOAuth : withPassword;
  const pending = withPassword.isPending || withOAuth.isPending;
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [server, setServer] = useState(initialServerValues);
  const [expanded, setExpanded] = useState(false);
  // A new object per failure, so the same field is focused again after another failed try.
  const [focusTarget, setFocusTarget] = useState<{ field: ImapField } | null>(null);
  const elements = useRef<Partial<Record<ImapField, HTMLInputElement | HTMLSelectElement | null>>>({});

  // The fieldset is disabled while pending, and a disabled field cannot take focus: wait for both.
  useEffect(() => {
    if (!focusTarget || pending) return;
    const element = elements.current[focusTarget.field];
    element?.focus();
    if (element instanceof HTMLInputElement && focusTarget.field === 'password') element.select();
  }, [focusTarget, pending]);

  const invalid = connect.isError ? imapFailureField(connect.error.message) : null;
  const bind = (field: ImapField): FieldBinding => {
    const describedBy = [field === 'password' ? PASSWORD_HINT_ID : '', invalid === field ? ERROR_ID : ''].filter(Boolean).join(' ');
    return {
      ref: (element) => {
        elements.current[field] = element;
      },
      ...(invalid === field ? { 'aria-invalid': true } : {}),
      ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    };
  };

  const onError = (error: Error) => {
    const field = imapFailureField(error.message);
    if (isServerField(field)) setExpanded(true);
    setFocusTarget({ field });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFocusTarget(null);
    setMethod('password');
    onSubmit?.();
    withPassword.mutate(connectInput(email, password, server), { onSuccess: onConnected, onError });
  };

  // Microsoft 365 or Google mail over IMAP: the browser signs in, so neither address nor password is needed here.
  const signInWith = (issuer: 'microsoft' | 'google') => {
    setFocusTarget(null);
    setMethod('oauth');
    onSubmit?.();
    withOAuth.mutate({ issuer, ...serverInput(server), loopback: false }, { onSuccess: onConnected, onError });
  };

  return (
    <form className="imap-form" onSubmit={submit}>
      <fieldset className="imap-fieldset" disabled={pending}>
        <div className="imap-field">
          <label htmlFor="imap-email">Email address</label>
          <input
            id="imap-email"
            type="email"
            required
            autoComplete="email"
            spellCheck={false}
            autoFocus={!initialEmail}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            {...bind('email')}
          />
        </div>
        <div className="imap-field">
          <label htmlFor="imap-password">Password</label>
          <input
            id="imap-password"
            type="password"
            required
            autoComplete="current-password"
            autoFocus={Boolean(initialEmail)}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            {...bind('password')}
          />
          <p id={PASSWORD_HINT_ID} className="muted imap-hint">iCloud, Yahoo, Fastmail and some others want an app password here, made in their account security settings.</p>
        </div>
        <ImapServerFields
          values={server}
          email={email.trim()}
          expanded={expanded}
          onToggle={() => setExpanded((open) => !open)}
          onChange={setServer}
          bind={bind}
        />
        {connect.isError && (
          <p id={ERROR_ID} role="alert" className="field-error">
            {describeError(connect.error)}
          </p>
        )}
        <div className="imap-oauth" role="group" aria-label="Sign in in the browser instead of a password">
          <button type="button" className="button" onClick={() => signInWith('microsoft')}>
            Sign in with Microsoft 365 instead
          </button>
          <button type="button" className="button" onClick={() => signInWith('google')}>
            Sign in with Google instead
          </button>
        </div>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Connect
          </button>
        </div>
      </fieldset>
      <p role="status" className="imap-status">
        {withOAuth.isPending ? 'Finish signing in in your browser…' : withPassword.isPending ? 'Signing in…' : ''}
      </p>
    </form>
  );
}
