// `mailbridge show`: one stored message as a reader would want it in a terminal —
// headers, parser warnings, then the text body.
import type { ProfileStore } from '../store/profile-store.ts';
import type { Address } from '../mail/types.ts';

const formatAddress = (a: { name: string; address: string } | Address) => (a.name ? `${a.name} <${a.address}>` : a.address);

/** Resolves `ref` as a local id (digits) or a Message-ID (with or without <>); null when not found. */
export function findMessageId(store: ProfileStore, ref: string): number | null {
  if (/^\d+$/.test(ref)) return store.messages.getMessage(Number(ref)) ? Number(ref) : null;
  const header = ref.replace(/^<|>$/g, '');
  for (const account of store.accounts.list()) {
    const id = store.messages.findByMessageIdHeader(account.id, header);
    if (id !== null) return id;
  }
  return null;
}

export function showMessage(store: ProfileStore, ref: string): string | null {
  const id = findMessageId(store, ref);
  const message = id === null ? null : store.messages.getMessage(id);
  if (!message) return null;
  const byRole = (role: string) =>
    message.participants.filter((p) => p.role === role).map(formatAddress).join(', ');
  const lines = [
    `Message:    ${message.id}${message.messageId ? ` <${message.messageId}>` : ''}`,
    `From:       ${message.from ? formatAddress(message.from) : '(none)'}`,
    `To:         ${byRole('to')}`,
    ...(byRole('cc') ? [`Cc:         ${byRole('cc')}`] : []),
    `Date:       ${message.date ? new Date(message.date).toISOString() : '(none)'}`,
    `Subject:    ${message.subject}`,
    `Labels:     ${message.labels.join(', ')}`,
    ...message.attachments.map((a) => `Attachment: ${a.filename ?? '(unnamed)'} (${a.mimeType}, ${a.size} bytes)`),
    ...message.warnings.map((w) => `Warning:    ${w}`),
    '',
    message.text,
  ];
  return lines.join('\n');
}
