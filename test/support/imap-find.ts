// Looks a message up in a test Dovecot mailbox the way a second mail client would: its own
// imapflow session, the folder opened read-only, SEARCH HEADER Message-ID (RFC 3501 §6.4.4).
import { ImapFlow } from 'imapflow';
import type { DovecotServer } from './dovecot.ts';

export interface MessageCopy {
  flags: string[];
  /** The In-Reply-To header's value as sent (with angle brackets), or null. */
  inReplyTo: string | null;
}

/**
 * Every message in `folder` of `login`'s mailbox whose Message-ID is `header` (without angle
 * brackets), one entry per copy; [] when there is none.
 */
export async function copiesOf(
  server: Pick<DovecotServer, 'host' | 'port'>,
  login: { user: string; password: string },
  folder: string,
  header: string,
): Promise<MessageCopy[]> {
  const client = new ImapFlow({ host: server.host, port: server.port, secure: true, auth: { user: login.user, pass: login.password }, logger: false, disableAutoIdle: true });
  await client.connect();
  try {
    await client.mailboxOpen(folder, { readOnly: true });
    const uids = (await client.search({ header: { 'message-id': `<${header}>` } }, { uid: true })) || [];
    const copies: MessageCopy[] = [];
    if (!uids.length) return copies;
    for await (const m of client.fetch(uids.join(','), { uid: true, flags: true, headers: ['in-reply-to'] }, { uid: true })) {
      const inReplyTo = /^in-reply-to:\s*(.*?)\s*$/im.exec(m.headers?.toString('utf8').replace(/\r?\n[ \t]+/g, ' ') ?? '');
      copies.push({ flags: [...(m.flags ?? [])], inReplyTo: inReplyTo?.[1] ?? null });
    }
    return copies;
  } finally {
    await client.logout();
  }
}
