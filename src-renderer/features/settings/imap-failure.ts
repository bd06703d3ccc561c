// Which field of the IMAP form a failed sign-in most likely points at, read from main's
// words (src-main/accounts/imap-account.ts describeImapFailure, and the contract's
// "<field>: <issue>" validation messages), so focus lands where the rep should look.

export type ImapField = 'email' | 'password' | 'host' | 'port' | 'security' | 'user';

/** The field to focus for `message`; server fields mean the "Server settings" group must be open. */
export function imapFailureField(message: string): ImapField {
  const invalid = /^(email|password|host|port|security|user):/.exec(message);
  if (invalid) return invalid[1] as ImapField;
  if (/refused the (user name or )?password/i.test(message)) return 'password';
  if (/no imap server was found|no server called|certificate is not trusted|did not answer in time/i.test(message)) return 'host';
  if (/nothing answers at/i.test(message)) return 'port';
  if (/does not speak (tls|starttls)/i.test(message)) return 'security';
  return 'password';
}

export const isServerField = (field: ImapField): boolean => field === 'host' || field === 'port' || field === 'security' || field === 'user';
