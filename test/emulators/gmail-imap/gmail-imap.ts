// Gmail's IMAP for the tests: hoodiecrow-imap (a scriptable IMAP4rev1 server) on loopback over
// TLS with the run's test CA, laid out and extended as Gmail's is
// (https://developers.google.com/gmail/imap/imap-extensions): the SPECIAL-USE folders under
// "[Gmail]", a folder per user label, every message listed in each of its labels' folders
// and all of them in All Mail (\All), archived ones only there; X-GM-EXT-1 with X-GM-MSGID and
// X-GM-LABELS (system labels by backslash names: \Inbox, \Sent, \Starred …), STORE ±X-GM-LABELS;
// CONDSTORE (RFC 7162), without QRESYNC, as Gmail has it.
//
// Where hoodiecrow falls short of Gmail: its X-GM-EXT-1 plugin does not advertise the
// capability, its ENABLE sends no ENABLED response, and a label set from outside (setLabels,
// the web client's part) does not move the message's MODSEQ: all three are made good here. A
// label changed by STORE does not list or unlist the message in that label's folder; Mailbridge
// syncs a Gmail mailbox from All Mail alone, so that lag changes nothing the tests see.
import hoodiecrow, { type HoodiecrowConnection, type HoodiecrowMailbox, type HoodiecrowMessage } from 'hoodiecrow-imap';
import type { Socket } from 'node:net';
import { currentTestCa } from '../../support/test-ca.ts';

export interface GmailImapMessage {
  raw: string;
  /** X-GM-LABELS: "\\Inbox", "\\Sent", "\\Starred", or a user label's name. */
  labels: string[];
  /** IMAP flags (\Seen, \Flagged). */
  flags?: string[];
}

export interface GmailImapServer {
  host: string;
  port: number;
  /** X-GM-LABELS of the All Mail message with this Message-ID (without <>), as a client would FETCH them, \All aside. */
  labelsOf(messageIdHeader: string): string[];
  /** IMAP flags of the All Mail message with this Message-ID. */
  flagsOf(messageIdHeader: string): string[];
  /** Gives an All Mail message other labels, as the web client would. */
  setLabels(messageIdHeader: string, labels: string[]): void;
  /** The commands clients sent, one line each (literals and IDLE's DONE included), oldest first. */
  readonly commands: string[];
  /** Whether a client is in IDLE (RFC 2177) with `path` selected. */
  idleOn(path: string): boolean;
  /** New mail as Gmail files it: in All Mail and in each of `labels`' folders (none of them the Inbox for mail a filter archived). */
  deliver(message: GmailImapMessage): void;
  /** Messages in a folder (e.g. "[Gmail]/Sent Mail"). */
  countIn(path: string): number;
  stop(): Promise<void>;
}

const ALL_MAIL = '[Gmail]/All Mail';
/** Gmail's system folders and their SPECIAL-USE attributes (RFC 6154). */
const SYSTEM_FOLDERS: Record<string, string> = {
  'All Mail': '\\All',
  'Sent Mail': '\\Sent',
  Starred: '\\Flagged',
  Important: '\\Important',
  Drafts: '\\Drafts',
  Spam: '\\Junk',
  Trash: '\\Trash',
};
/** The folder a system label lists its messages in. */
const SYSTEM_LABEL_FOLDERS: Record<string, string> = { '\\Inbox': 'INBOX', '\\Sent': '[Gmail]/Sent Mail', '\\Starred': '[Gmail]/Starred', '\\Important': '[Gmail]/Important' };

/** Starts the server for one user (password sign-in) with `messages`, the user labels among their labels made folders. */
export async function startGmailImap(options: { user: string; password: string; messages: readonly GmailImapMessage[] }): Promise<GmailImapServer> {
  const ca = currentTestCa();
  const folders = new Map<string, HoodiecrowMessage[]>([['INBOX', []]]);
  const system: Record<string, HoodiecrowMailbox> = {};
  for (const [name, use] of Object.entries(SYSTEM_FOLDERS)) system[name] = { 'special-use': use, messages: [] };
  const userLabels: Record<string, HoodiecrowMailbox> = {};
  for (const m of options.messages) {
    const copy = (): HoodiecrowMessage => ({ raw: m.raw, flags: [...(m.flags ?? [])], 'X-GM-LABELS': [...m.labels] });
    system['All Mail']!.messages!.push(copy());
    for (const label of m.labels) {
      const path = SYSTEM_LABEL_FOLDERS[label] ?? label;
      if (path.startsWith('[Gmail]/')) system[path.slice('[Gmail]/'.length)]!.messages!.push(copy());
      else if (path === 'INBOX') folders.get('INBOX')!.push(copy());
      else (userLabels[path] ??= { messages: [] }).messages!.push(copy());
    }
  }
  const server = hoodiecrow({
    plugins: ['ID', 'X-GM-EXT-1', 'SPECIAL-USE', 'UIDPLUS', 'IDLE', 'ENABLE', 'CONDSTORE', 'MOVE', 'UNSELECT'],
    id: { name: 'GImap', vendor: 'Google, Inc.' },
    secureConnection: true,
    credentials: { key: ca.serverKey, cert: ca.serverCert },
    users: { [options.user]: { password: options.password } },
    storage: {
      INBOX: { messages: folders.get('INBOX')! },
      '': { separator: '/', folders: { '[Gmail]': { flags: ['\\Noselect'], folders: system }, ...userLabels } },
    },
  });
  server.registerCapability('X-GM-EXT-1');
  // hoodiecrow's ENABLE turns CONDSTORE on without the untagged ENABLED response RFC 5161 §3.2
  // requires, so a client never learns that it is on: this one answers as Gmail does.
  server.setCommandHandler('ENABLE', (connection, parsed, _data, callback) => {
    const attributes = parsed.attributes ?? [];
    if (connection.state !== 'Authenticated' || !attributes.length || attributes.some((a) => a.type !== 'ATOM')) {
      connection.send({ tag: parsed.tag, command: 'BAD', attributes: [{ type: 'TEXT', value: 'ENABLE takes extension names, once authenticated' }] }, 'ENABLE FAILED', parsed);
      return callback();
    }
    const atoms = attributes.map((a) => a.value.toUpperCase());
    const enabled = atoms.filter((c) => server.enableAvailable.includes(c) && !connection.enabled.includes(c));
    connection.enabled.push(...enabled);
    connection.send({ tag: '*', command: 'ENABLED', attributes: enabled.map((value) => ({ type: 'ATOM', value })) }, 'ENABLED', parsed);
    connection.send({ tag: parsed.tag, command: 'OK', attributes: [{ type: 'TEXT', value: 'ENABLE completed' }] }, 'ENABLE', parsed);
    callback();
  });
  const connections = new Set<HoodiecrowConnection>();
  const commands: string[] = [];
  server.connectionHandlers.push((connection) => {
    connections.add(connection);
    let pending = '';
    connection.socket.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('latin1')).split('\r\n');
      pending = lines.pop()!;
      commands.push(...lines.filter(Boolean));
    });
    connection.socket.once('close', () => connections.delete(connection));
  });
  const sockets = new Set<Socket>();
  server.server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port)));

  const allMail = (messageIdHeader: string): HoodiecrowMessage => {
    const found = server.getMailbox(ALL_MAIL)!.messages.find((m) => new RegExp(`^Message-ID: <${messageIdHeader.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>`, 'im').test(m.raw));
    if (!found) throw new Error(`no message <${messageIdHeader}> in All Mail`);
    return found;
  };
  return {
    host: '127.0.0.1',
    port,
    commands,
    labelsOf: (id) => (allMail(id)['X-GM-LABELS'] ?? []).filter((l) => l !== '\\All').sort(),
    flagsOf: (id) => [...(allMail(id).flags ?? [])].sort(),
    setLabels: (id, labels) => {
      const message = allMail(id);
      message['X-GM-LABELS'] = ['\\All', ...labels];
      // As Gmail does (and hoodiecrow's own STORE), a label change moves the message's MODSEQ (RFC 7162 §3.1.1).
      const mailbox = server.getMailbox(ALL_MAIL)!;
      message.MODSEQ = mailbox.HIGHESTMODSEQ = (mailbox.HIGHESTMODSEQ ?? 0) + 1;
    },
    // In IDLE, hoodiecrow hands the connection's input to the IDLE command's own handler until DONE.
    idleOn: (path) => [...connections].some((c) => c.selectedMailbox && c.selectedMailbox.path === path && typeof c.inputHandler === 'function'),
    deliver: ({ raw, labels, flags = [] }) => {
      // appendMessage tells the connections IDLE on that folder (EXISTS) at once; the labels are set before any FETCH can come.
      server.appendMessage(ALL_MAIL, [...flags], new Date(), raw).message['X-GM-LABELS'] = ['\\All', ...labels];
      for (const label of labels) {
        const path = SYSTEM_LABEL_FOLDERS[label] ?? label;
        if (server.getMailbox(path)) server.appendMessage(path, [...flags], new Date(), raw);
      }
    },
    countIn: (path) => server.getMailbox(path)?.messages.length ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
