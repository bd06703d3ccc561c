// `npm run demo -- --mailbox PATH`: the demo on the rep's own mail and nothing else. The
// signed-in account is the mailbox's owner (the address it was most often sent to), and the
// "new mail" of the incremental sync is the mailbox's own newest messages, held back from
// Gmail until the full sync is done — no invented messages are added.
import { readMailbox } from '../../src-main/mail/import/mailbox-reader.ts';
import { parseMessage } from '../../src-main/mail/mime/index.ts';
import type { GmailEmulator } from '../../test/emulators/gmail/gmail-emulator.ts';
import { detail } from './ui.ts';

/** Messages taken out of Gmail before the full sync, with what it takes to put them back. */
export interface HeldBack {
  raw: Buffer;
  labelIds: string[];
  internalDate: number;
  subject: string;
}

/**
 * The address the mailbox's messages were most often sent to (To and Cc), with the display
 * name it most often carried: whose mailbox it is. Throws for a mailbox without recipients.
 */
export async function mailboxOwner(path: string): Promise<{ address: string; name: string }> {
  const tallies = new Map<string, { count: number; names: Map<string, number> }>();
  for await (const { raw } of readMailbox(path)) {
    const message = await parseMessage(raw);
    for (const a of new Map([...message.to, ...message.cc].map((p) => [p.address.trim().toLowerCase(), p])).values()) {
      const address = a.address.trim().toLowerCase();
      if (!address.includes('@')) continue;
      const tally = tallies.get(address) ?? { count: 0, names: new Map<string, number>() };
      tally.count += 1;
      if (a.name.trim() && !a.name.includes('@')) tally.names.set(a.name.trim(), (tally.names.get(a.name.trim()) ?? 0) + 1);
      tallies.set(address, tally);
    }
  }
  const [best] = [...tallies].sort(([a, x], [b, y]) => y.count - x.count || a.localeCompare(b));
  if (!best) throw new Error(`no message in ${path} names a recipient: whose mailbox is it?`);
  const [name] = [...best[1].names].sort(([, x], [, y]) => y - x)[0] ?? [''];
  return { address: best[0], name };
}

/** Takes the `count` newest messages out of the emulator (before any sync) and returns them. */
export async function holdBackNewest(gmail: GmailEmulator, count: number): Promise<HeldBack[]> {
  const ids = gmail.mailbox.list(null, Number.MAX_SAFE_INTEGER, [], true).ids;
  const newest = ids
    .map((id) => gmail.mailbox.get(id)!)
    .sort((a, b) => b.internalDate - a.internalDate)
    .slice(0, count);
  const held: HeldBack[] = [];
  for (const m of newest) {
    gmail.deleteMessage(m.id);
    held.push({ raw: m.raw, labelIds: [...m.labelIds], internalDate: m.internalDate, subject: (await parseMessage(m.raw)).subject });
  }
  return held;
}

/** Puts the held-back messages into Gmail, as if they had just arrived; returns a word of theirs to search for. */
export function deliverHeldBack(gmail: GmailEmulator, held: HeldBack[]): { added: number; word: string } {
  for (const m of held) gmail.addMessage(m.raw, m.labelIds, { internalDate: m.internalDate });
  detail(`In Gmail now: the mailbox's ${held.length} newest messages, held back until the full sync was done:`);
  for (const m of held) detail(`  ${new Date(m.internalDate).toISOString().slice(0, 10)}  ${m.subject || '(no subject)'}`);
  const word = held.map((m) => /\b\p{L}{5,}\b/u.exec(m.subject)?.[0]).find(Boolean) ?? held[0]?.subject.split(/\s+/)[0] ?? '';
  return { added: held.length, word: word.toLowerCase() };
}
