// Recipient chips from what the rep types or pastes: "Ana <ana@x.example>", "ana@x.example",
// a pasted list split on commas, semicolons and newlines (not inside quotes or <…>). An
// address main would refuse stays as a chip marked invalid, and is not saved or sent.
import type { Recipient } from '../../../src-preload/contract/index.ts';

export interface RecipientChip {
  address: string;
  name: string;
  /** Main accepts the address (the contract's z.email()). */
  valid: boolean;
}

// zod 4's z.email() pattern (zod/v4/core/regexes.ts `email`), so "valid" here is what main accepts.
const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
const MAX_ADDRESS = 320;

export const isValidAddress = (address: string): boolean => address.length <= MAX_ADDRESS && EMAIL.test(address);

/** Splits a typed or pasted list on , ; and newlines, keeping "Doe, Ana" <…> whole; empty parts dropped. */
export function splitAddressList(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (char === '<' && !quoted) angle = true;
    else if (char === '>' && !quoted) angle = false;
    if (!quoted && !angle && (char === ',' || char === ';' || char === '\n' || char === '\r')) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** One entry: `Name <address>`, `"Name" <address>`, `<address>`, `mailto:address` or a bare address. */
export function parseRecipient(text: string): RecipientChip | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const angled = /^(.*?)<([^<>]*)>\s*$/.exec(trimmed);
  const rawAddress = angled ? angled[2]! : trimmed;
  const rawName = angled ? angled[1]! : '';
  const address = rawAddress.trim().replace(/^mailto:/i, '').toLowerCase();
  const name = rawName.trim().replace(/^"(.*)"$/, '$1').replace(/\\"/g, '"').trim().slice(0, 200);
  if (!address) return null;
  return { address, name: name === address ? '' : name, valid: isValidAddress(address) };
}

/** `list` with the entries of `text` added, each address once (a later duplicate is dropped). */
export function addRecipients(list: readonly RecipientChip[], text: string): RecipientChip[] {
  const seen = new Set(list.map((chip) => chip.address));
  const added: RecipientChip[] = [];
  for (const part of splitAddressList(text)) {
    const chip = parseRecipient(part);
    if (!chip || seen.has(chip.address)) continue;
    seen.add(chip.address);
    added.push(chip);
  }
  return [...list, ...added];
}

/** Whether typed text holds more than one entry (a paste to split rather than insert). */
export const hasSeveral = (text: string): boolean => splitAddressList(text).length > 1;

export const chipsFromDraft = (recipients: readonly Recipient[]): RecipientChip[] =>
  recipients.map((r) => ({ address: r.address, name: r.name, valid: isValidAddress(r.address) }));

/** What drafts:save stores: valid chips only. */
export const toRecipients = (chips: readonly RecipientChip[]): Recipient[] =>
  chips.filter((chip) => chip.valid).map((chip) => ({ address: chip.address, name: chip.name }));

export const chipLabel = (chip: RecipientChip): string => chip.name || chip.address;
