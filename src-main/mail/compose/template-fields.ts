// Template fields: {{contact.firstname}} and the like, filled from the recipient's CRM record
// and the sending account, as sales tools' templates do. A field with no value is left as
// written, so the send outbox's check (an unfilled {{…}} blocks sending) makes the rep fill it.
import type { Account } from '../../store/types.ts';
import { escapeHtml } from './outgoing-html.ts';

/** What a template reads of a CRM contact (the crm layer's CrmContact has these). */
export interface TemplateContact {
  name: string;
  company: string;
  owner: string;
}

const FIELD = /\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/gi;

function splitName(name: string): { first: string; last: string } {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return { first: parts[0] ?? '', last: parts.length > 1 ? parts.slice(1).join(' ') : '' };
}

/** Field values for a recipient (its CRM contact, if cached) and the sending account; empty ones are absent. */
export function templateValues(recipient: { address: string; name: string } | null, contact: TemplateContact | null, account: Account): Map<string, string> {
  const person = splitName(contact?.name || recipient?.name || '');
  const sender = splitName(account.displayName);
  const values: Array<[string, string]> = [
    ['contact.firstname', person.first],
    ['contact.lastname', person.last],
    ['contact.name', contact?.name || recipient?.name || ''],
    ['contact.email', recipient?.address ?? ''],
    ['company.name', contact?.company ?? ''],
    ['owner.name', contact?.owner ?? ''],
    ['sender.firstname', sender.first],
    ['sender.name', account.displayName],
    ['sender.email', account.email],
  ];
  return new Map(values.filter(([, v]) => v.trim() !== ''));
}

/** `text` with every known field replaced (HTML-escaped when `html`); unknown or empty fields stay. */
export function fillFields(text: string, values: ReadonlyMap<string, string>, html: boolean): string {
  return text.replace(FIELD, (whole, name: string) => {
    const value = values.get(name.toLowerCase());
    if (value === undefined) return whole;
    return html ? escapeHtml(value) : value;
  });
}
