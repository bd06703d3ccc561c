// An IMAP account's side of acting on mail: flags stored on the server (\Seen, \Flagged),
// moves to the Archive, Trash or Inbox folder (SPECIAL-USE, RFC 6154; MOVE, RFC 6851), and
// sending through SMTP (nodemailer's transport, STARTTLS or TLS, SASL PLAIN/LOGIN) with the
// copy APPENDed to Sent, as IMAP servers leave that to the client. Gmail's IMAP (X-GM-EXT-1)
// is synced from All Mail (imap-sync.ts), so there a label, archive and "move to Inbox" change
// the message's X-GM-LABELS instead of moving it, and Gmail files what its SMTP server sends in
// Sent Mail itself: nothing is APPENDed (a second copy would show in Sent).
//
// Exactly once: the Sent copy is appended first with the keyword $MailbridgeSending, then the
// message is handed to SMTP, then the keyword is removed. Looking a Message-ID up finds it
// "sent" only without the keyword; with it, SMTP may or may not have taken it (the app died in
// between) and nobody can tell: the outbox then stops with that reason instead of risking
// a second copy at the recipient.
import nodemailer, { type Transporter } from 'nodemailer';
import type { ImapFlow } from 'imapflow';
import { createLogger } from '../../platform/logger.ts';
import type { MailActionName } from '../../store/mail-action-repository.ts';
import { imapClient, type ImapServerSettings } from '../providers/imap.ts';
import { signedIn, type ImapSecret, type ImapSignIn } from '../providers/imap-auth.ts';
import { GMAIL_EXTENSIONS, GmailLabelNames } from '../providers/gmail-imap-labels.ts';
import { PermanentProviderError, type OutgoingMessage, type RemoteMailbox } from './remote-mailbox.ts';

const log = createLogger('mail.imap-actions');

export const SENDING_KEYWORD = '$MailbridgeSending';

export interface SmtpServerSettings {
  host: string;
  port: number;
  /** 'tls': implicit TLS (465); 'starttls': required upgrade on submission (587). */
  security: 'tls' | 'starttls';
}

export interface ImapMailboxOptions {
  server: ImapServerSettings;
  smtp: SmtpServerSettings | null;
  /** The password or the Microsoft token, for both servers. */
  signIn: ImapSignIn;
  timeoutMs?: number;
}

const FLAG_CHANGES: Partial<Record<MailActionName, { add?: string; remove?: string }>> = {
  read: { add: '\\Seen' },
  unread: { remove: '\\Seen' },
  star: { add: '\\Flagged' },
  unstar: { remove: '\\Flagged' },
};
const MOVE_TO: Partial<Record<MailActionName, string>> = { archive: '\\Archive', trash: '\\Trash', inbox: '\\Inbox' };
/** Gmail over IMAP: the X-GM-LABELS change each action makes on All Mail (the label's own name for label and unlabel). */
const GMAIL_LABEL_CHANGES: Partial<Record<MailActionName, { add?: string; remove?: string }>> = {
  archive: { remove: '\\Inbox' },
  inbox: { add: '\\Inbox' },
};

/** The folder, UIDVALIDITY and UID in an IMAP provider message id (imapMessageId). */
function parseId(id: string): { path: string; uidValidity: string; uid: number } | null {
  const [path, uidValidity, uid] = id.split('\n');
  return path && uidValidity && uid ? { path, uidValidity, uid: Number(uid) } : null;
}

export class ImapMailbox implements RemoteMailbox {
  readonly #o: ImapMailboxOptions;
  #client: ImapFlow | null = null;

  constructor(options: ImapMailboxOptions) {
    this.#o = options;
  }

  async apply(action: MailActionName, providerIds: readonly string[], label?: string): Promise<void> {
    const client = await this.#connect();
    const byFolder = new Map<string, { uidValidity: string; uids: number[] }>();
    for (const id of providerIds) {
      const parsed = parseId(id);
      if (!parsed) continue;
      const entry = byFolder.get(parsed.path) ?? { uidValidity: parsed.uidValidity, uids: [] };
      entry.uids.push(parsed.uid);
      byFolder.set(parsed.path, entry);
    }
    // Folders are IMAP's labels: labelling moves the mail there, unlabelling back to the Inbox.
    // Looked up once, and only where a move is made (Gmail's All Mail has none, and no \Archive).
    let destination: string | null | undefined;
    const destinationOf = async () => {
      if (destination === undefined) destination = action === 'label' ? label! : action === 'unlabel' ? 'INBOX' : MOVE_TO[action] ? await this.#specialFolder(client, MOVE_TO[action]!) : null;
      return destination;
    };
    const gmail = client.capabilities.has(GMAIL_EXTENSIONS) ? new GmailLabelNames(await client.list()) : null;
    for (const [path, { uidValidity, uids }] of byFolder) {
      const box = await client.mailboxOpen(path);
      // A new UIDVALIDITY: these UIDs name other messages now; the next sync refetches the folder.
      if (String(box.uidValidity) !== uidValidity) continue;
      const range = uids.join(',');
      const change = FLAG_CHANGES[action];
      if (change?.add) await client.messageFlagsAdd(range, [change.add], { uid: true });
      if (change?.remove) await client.messageFlagsRemove(range, [change.remove], { uid: true });
      if (gmail && box.specialUse === '\\All' && action !== 'trash') {
        // Labels stack on Gmail: one message in All Mail, its labels changed in place.
        const named = label === undefined ? undefined : gmail.labelOf(label);
        const labels = action === 'label' ? { add: named } : action === 'unlabel' ? { remove: named } : GMAIL_LABEL_CHANGES[action];
        if (labels?.add) await client.messageFlagsAdd(range, [labels.add], { uid: true, useLabels: true });
        if (labels?.remove) await client.messageFlagsRemove(range, [labels.remove], { uid: true, useLabels: true });
      } else {
        const to = await destinationOf();
        if (to && to !== path) await client.messageMove(range, to, { uid: true });
      }
    }
  }

  async send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    const { smtp } = this.#o;
    if (!smtp) throw new PermanentProviderError('No outgoing (SMTP) server is set for this account: add one in Settings to send');
    const client = await this.#connect();
    const sent = client.capabilities.has(GMAIL_EXTENSIONS) ? null : await this.#specialFolder(client, '\\Sent');
    const appended = sent ? await client.append(sent, message.raw, ['\\Seen', SENDING_KEYWORD]) : false;
    try {
      // The recipients come from the envelope; the Bcc header itself must not travel (RFC 5322 §3.6.3).
      // A refused AUTH comes before MAIL FROM: nothing was handed over, so a fresh token may try again.
      await signedIn(this.#o.signIn, async (secret) => {
        const transport = smtpTransport(smtp, this.#o.server.user, secret, this.#o.timeoutMs);
        try {
          await transport.sendMail({ envelope: envelopeOf(message.raw), raw: withoutBcc(message.raw) });
        } finally {
          transport.close();
        }
      });
    } catch (error) {
      const e = error as { responseCode?: number; code?: string; response?: string };
      // A 5xx is a refusal: the Sent copy goes, the message stays in the outbox with the reason.
      if (appended && e.responseCode && e.responseCode >= 500) await this.#dropSentCopy(client, sent!, message.messageIdHeader);
      if (e.responseCode && e.responseCode >= 500) throw new PermanentProviderError(`${smtp.host} refused it (${e.response ?? e.responseCode})`, { cause: error });
      throw error;
    }
    if (appended && sent) {
      await client.mailboxOpen(sent);
      await client.messageFlagsRemove({ header: { 'message-id': `<${message.messageIdHeader}>` } }, [SENDING_KEYWORD]);
    }
    return { providerMessageId: null };
  }

  async findByMessageId(messageIdHeader: string): Promise<boolean> {
    const client = await this.#connect();
    const sent = await this.#specialFolder(client, '\\Sent');
    if (!sent) return false;
    await client.mailboxOpen(sent, { readOnly: true });
    const uids = (await client.search({ header: { 'message-id': `<${messageIdHeader}>` } }, { uid: true })) || [];
    if (!uids.length) return false;
    for await (const m of client.fetch(uids.join(','), { uid: true, flags: true }, { uid: true })) {
      if (!m.flags?.has(SENDING_KEYWORD)) return true;
    }
    throw new PermanentProviderError(
      'Mailbridge was stopped while handing this message to the outgoing server, so it cannot tell whether it left: check with the recipient before Retry',
    );
  }

  async fetchSource(providerMessageId: string): Promise<Uint8Array | null> {
    const parsed = parseId(providerMessageId);
    if (!parsed) return null;
    const client = await this.#connect();
    const box = await client.mailboxOpen(parsed.path, { readOnly: true });
    // A new UIDVALIDITY: the UID names another message now (or none).
    if (String(box.uidValidity) !== parsed.uidValidity) return null;
    const message = await client.fetchOne(String(parsed.uid), { source: true }, { uid: true });
    return message && message.source ? new Uint8Array(message.source) : null;
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (client) await client.logout().catch(() => client.close());
  }

  async #connect(): Promise<ImapFlow> {
    if (this.#client) return this.#client;
    const client = await signedIn(this.#o.signIn, async (secret) => {
      const opened = imapClient(this.#o.server, secret, { disableAutoIdle: true, ...(this.#o.timeoutMs ? { timeoutMs: this.#o.timeoutMs } : {}) });
      try {
        await opened.connect();
        return opened;
      } catch (error) {
        opened.close();
        throw error;
      }
    });
    this.#client = client;
    return client;
  }

  async #specialFolder(client: ImapFlow, use: string): Promise<string | null> {
    if (use === '\\Inbox') return 'INBOX';
    const folder = (await client.list()).find((f) => f.specialUse === use);
    if (!folder) log.warn('the server has no such special-use folder', { use });
    return folder?.path ?? null;
  }

  async #dropSentCopy(client: ImapFlow, sent: string, messageIdHeader: string): Promise<void> {
    await client.mailboxOpen(sent);
    await client.messageDelete({ header: { 'message-id': `<${messageIdHeader}>` } }).catch(() => undefined);
  }
}

/**
 * nodemailer's SMTP transport for one send: implicit TLS or required STARTTLS, SASL PLAIN/LOGIN
 * with a password or XOAUTH2 with an access token (https://nodemailer.com/smtp/oauth2/).
 */
export function smtpTransport(smtp: SmtpServerSettings, user: string, secret: ImapSecret, timeoutMs?: number): Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    auth: 'password' in secret ? { user, pass: secret.password } : { type: 'OAuth2', user, accessToken: secret.accessToken },
    connectionTimeout: timeoutMs ?? 30_000,
    greetingTimeout: timeoutMs ?? 30_000,
  });
}

/** The header section and the rest of a message, split at the first empty line. */
function splitHead(raw: Buffer): { head: string; rest: Buffer } {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? { head: text, rest: Buffer.alloc(0) } : { head: text.slice(0, end), rest: raw.subarray(end) };
}

/** `raw` without its Bcc field (and the field's folded lines). */
export function withoutBcc(raw: Buffer): Buffer {
  const { head, rest } = splitHead(raw);
  const kept = head.split(/\r?\n(?![ \t])/).filter((field) => !/^bcc:/i.test(field));
  return Buffer.concat([Buffer.from(kept.join('\r\n'), 'latin1'), rest]);
}

/** SMTP envelope (RFC 5321 §3.3) from the message's own From, and To, Cc and Bcc. */
export function envelopeOf(raw: Buffer): { from: string; to: string[] } {
  const { head } = splitHead(raw);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const field = (name: string) => unfolded.split(/\r?\n/).filter((l) => l.toLowerCase().startsWith(`${name}:`)).map((l) => l.slice(name.length + 1));
  const addresses = (values: string[]) => values.flatMap((v) => v.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? []);
  return { from: addresses(field('from'))[0] ?? '', to: [...new Set(addresses([...field('to'), ...field('cc'), ...field('bcc')]))] };
}
