// The first-run screen, shown while no mail account is connected: step 1 connects a
// mailbox (Gmail, Microsoft 365 or any other over IMAP) and step 2 the CRM, each saying in
// words what the sign-in lets Mailbridge do and what it does not; the sample-mailbox demo is
// offered for a look without signing in. The scopes named are the ones main requests (src-main/auth:
// DEFAULT_GOOGLE_SCOPES, DEFAULT_MICROSOFT_SCOPES) and those the HubSpot connector uses.
import { useEffect, useRef, useState } from 'react';
import type { AccountSummary } from '../../../src-preload/contract/index.ts';
import { useConnectAccount } from '../../api/mutations.ts';
import { showToast } from '../../components/toasts.tsx';
import { CrmTokenForm } from '../settings/crm-token-form.tsx';
import { ImapConnectDialog } from '../settings/imap-connect-dialog.tsx';
import { AccessList, type Access } from './access-list.tsx';

export type FirstRunStep = 'mailbox' | 'crm';

interface FirstRunProps {
  step: FirstRunStep;
  /** The mailbox just connected (step 2 names it). */
  account: AccountSummary | undefined;
  /** The rep started signing in to a mailbox from this screen. */
  onConnecting(): void;
  /** The rep finished or skipped the CRM step. */
  onDone(): void;
}

const MAILBOXES: Array<{ provider: 'gmail' | 'microsoft'; label: string; access: Access }> = [
  {
    provider: 'gmail',
    label: 'Connect Gmail',
    access: {
      title: 'Gmail or Google Workspace',
      will: [
        'Read your mail and labels, to keep an encrypted copy on this computer',
        'Send the mail you write, and mark, star, archive or trash what you ask it to',
        'See your name and email address',
      ],
      willNot: ['Delete any mail for good (trash stays recoverable in Gmail)', 'Send or change anything you did not ask it to', 'See your contacts, calendar or Drive'],
      scopes: 'gmail.modify, gmail.send, openid, email, profile',
    },
  },
  {
    provider: 'microsoft',
    label: 'Connect Outlook',
    access: {
      title: 'Outlook or Microsoft 365',
      will: [
        'Read your mail and folders, to keep an encrypted copy on this computer',
        'Send the mail you write, and mark, flag, archive or delete what you ask it to',
        'See your name and email address',
        'Stay signed in until you disconnect',
      ],
      willNot: ['Send or change anything you did not ask it to', 'See your calendar, contacts or files'],
      scopes: 'Mail.ReadWrite, Mail.Send, User.Read, offline_access',
    },
  },
];

const IMAP_ACCESS: Access = {
  title: 'Any other mailbox (IMAP)',
  will: [
    'Read your mail and folders over IMAP, to keep an encrypted copy on this computer',
    'Mark, star, archive and trash mail on your server when you do',
    'Send the mail you write through your outgoing server (SMTP), unless you connect without one',
    'Keep the password you enter encrypted on this computer, to sign in for each sync',
  ],
  willNot: ['Send or change anything you did not ask it to', 'Give your password to anyone but your mail servers'],
};

const CRM_ACCESS: Access = {
  title: 'HubSpot',
  will: [
    'Read contacts, companies, deals and owners, to match the people you email and show their card',
    'Create an email activity on a contact, its company and the deal you choose when you log an email (or your auto-log rule does)',
    'Create a contact, and its company when HubSpot has none, when you choose “Add to HubSpot”',
  ],
  willNot: ['Change or delete any existing record', 'Log anything you did not ask it to'],
  scopes:
    'crm.objects.contacts.read, crm.objects.contacts.write, crm.objects.companies.read, crm.objects.companies.write, crm.objects.deals.read, crm.objects.owners.read',
};

/**
 * Which first-run step to show, if any: the mailbox step while no account is connected, then
 * the CRM step for a mailbox connected from this screen (unless a CRM is connected already)
 * until the rep finishes or skips it. A mailbox connected in Settings ends the first run.
 */
export function useFirstRun(accounts: AccountSummary[] | undefined, crmConnected: boolean | undefined) {
  const [step, setStep] = useState<FirstRunStep | null>(null);
  const connecting = useRef(false);
  useEffect(() => {
    if (accounts === undefined) return;
    if (accounts.length === 0) setStep('mailbox');
    else setStep((current) => (current === 'mailbox' ? (connecting.current ? 'crm' : null) : current));
  }, [accounts]);
  return {
    step: step === 'crm' && crmConnected ? null : step,
    connecting: () => {
      connecting.current = true;
    },
    done: () => setStep(null),
  };
}

export function FirstRun({ step, account, onConnecting, onDone }: FirstRunProps) {
  const connect = useConnectAccount();
  const [imapOpen, setImapOpen] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // Each step's heading takes focus, so a screen reader announces where the rep is.
  useEffect(() => heading.current?.focus(), [step]);
  return (
    <div className="first-run">
      <div className="first-run-inner">
        <ol className="first-run-steps" aria-label="Set-up steps">
          <li aria-current={step === 'mailbox' ? 'step' : undefined}>1. Your mailbox</li>
          <li aria-current={step === 'crm' ? 'step' : undefined}>2. Your CRM</li>
        </ol>
        {step === 'mailbox' ? (
          <section aria-labelledby="first-run-heading">
            <h1 id="first-run-heading" ref={heading} tabIndex={-1}>Welcome to Mailbridge</h1>
            <p>
              Connect the mailbox you sell from. Mailbridge keeps your mail on this computer, encrypted, so you can read and
              search it offline, and logs the emails you choose to your CRM. Gmail and Outlook sign you in in your browser, so
              your password never reaches Mailbridge; any other mailbox signs in over IMAP with its password, kept encrypted
              on this computer.
            </p>
            <div className="first-run-choices">
              {MAILBOXES.map(({ provider, label, access }) => (
                <div key={provider} className="first-run-card">
                  <AccessList access={access} />
                  <button
                    type="button"
                    className="button button-primary"
                    disabled={connect.isPending}
                    onClick={() => {
                      onConnecting();
                      connect.mutate(provider);
                    }}
                  >
                    {label}
                  </button>
                </div>
              ))}
              <div className="first-run-card">
                <AccessList access={IMAP_ACCESS} />
                <button type="button" className="button button-primary" onClick={() => setImapOpen(true)}>
                  Other mailbox (IMAP)
                </button>
              </div>
            </div>
            <ImapConnectDialog open={imapOpen} onClose={() => setImapOpen(false)} onSubmit={onConnecting} />
            <p role="status" className="first-run-status">
              {connect.isPending ? 'Finish signing in in your browser…' : ''}
            </p>
            <p className="first-run-demo">
              Just looking? <code>npm run demo</code> opens Mailbridge on a built-in sample mailbox with an emulated Gmail and
              HubSpot, without touching any account of yours (see “Quick start” in the README).
            </p>
          </section>
        ) : (
          <section aria-labelledby="first-run-heading">
            <h1 id="first-run-heading" ref={heading} tabIndex={-1}>Connect your CRM</h1>
            <p>
              {account ? <>Your mailbox {account.email} is connected and syncing. </> : null}
              Now connect HubSpot with a private-app token (HubSpot → Settings → Integrations → Private apps), so Mailbridge can
              show who you are writing to and log emails with one click. The token is checked with HubSpot, kept encrypted on
              this computer, and never shown again.
            </p>
            <div className="first-run-card">
              <AccessList access={CRM_ACCESS} />
              <CrmTokenForm
                connected={false}
                onConnected={(status) => {
                  showToast(`Connected to ${status.accountLabel ?? 'HubSpot'}`);
                  onDone();
                }}
              />
            </div>
            <button type="button" className="button button-quiet" onClick={onDone}>
              Skip for now — connect a CRM later in Settings
            </button>
          </section>
        )}
      </div>
    </div>
  );
}
