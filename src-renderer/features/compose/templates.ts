// Saved templates without the editor: the fields a template may hold (settings.ts
// EmailTemplate), the fields a message still has unfilled (what main's send outbox refuses),
// the picker's filter and edits to the saved list.
import type { EmailTemplate } from '../../../src-preload/contract/index.ts';

/** The fields main fills from the first recipient's CRM record and the sending account, with what each holds. */
export const TEMPLATE_FIELDS: ReadonlyArray<{ field: string; meaning: string }> = [
  { field: '{{contact.firstname}}', meaning: 'Contact’s first name' },
  { field: '{{contact.lastname}}', meaning: 'Contact’s last name' },
  { field: '{{contact.name}}', meaning: 'Contact’s full name' },
  { field: '{{contact.email}}', meaning: 'Contact’s email address' },
  { field: '{{company.name}}', meaning: 'Contact’s company' },
  { field: '{{owner.name}}', meaning: 'Contact owner in the CRM' },
  { field: '{{sender.firstname}}', meaning: 'Your first name' },
  { field: '{{sender.name}}', meaning: 'Your full name' },
  { field: '{{sender.email}}', meaning: 'Your email address' },
];

/** As src-main/mail/send/send-outbox.ts tests subject and body: any {{word.word}} left blocks sending. */
const UNFILLED = /\{\{\s*([\w.]+)\s*\}\}/g;

/** The unfilled fields in `texts` (subject, body HTML), each once as `{{name}}`, in order of appearance. */
export function unfilledFields(...texts: string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(UNFILLED)) found.add(`{{${match[1]}}}`);
  return [...found];
}

/** Why sending waits, or null: "Fill in or remove {{a}}, {{b}} and {{c}} before sending". */
export function unfilledMessage(fields: readonly string[]): string | null {
  if (fields.length === 0) return null;
  const list = fields.length === 1 ? fields[0]! : `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)!}`;
  return `Fill in or remove ${list} before sending`;
}

/** Templates whose name or subject contains every word of `query` (any case), in saved order. */
export function filterTemplates(templates: readonly EmailTemplate[], query: string): EmailTemplate[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return templates.filter((t) => {
    const text = `${t.name} ${t.subject}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** A new template id matching the contract's /^[A-Za-z0-9_-]{1,64}$/ (a v4 UUID without dashes). */
export const newTemplateId = (): string => crypto.randomUUID().replace(/-/g, '');

/** `list` with `template` replacing the one of the same id, or added at the end. */
export function putTemplate(list: readonly EmailTemplate[], template: EmailTemplate): EmailTemplate[] {
  return list.some((t) => t.id === template.id) ? list.map((t) => (t.id === template.id ? template : t)) : [...list, template];
}

/** `list` with `template` back at `index` (Undo of a delete), unless it is there already. */
export function restoreTemplate(list: readonly EmailTemplate[], template: EmailTemplate, index: number): EmailTemplate[] {
  if (list.some((t) => t.id === template.id)) return [...list];
  return [...list.slice(0, index), template, ...list.slice(index)];
}
