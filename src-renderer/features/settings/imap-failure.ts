// Which field of the IMAP form a failed sign-in most likely points at, read from main's
// words (src-main/accounts/imap-account.ts describeImapFailure, its "Outgoing mail: …" for the
// SMTP check, and the contract's "<field>: <issue>" validation messages), so focus lands where
// the rep should look.

export type ImapField = 'email' | 'password' | 'host' | 'port' | 'security' | 'user' | 'smtpHost' | 'smtpPort' | 'smtpSecurity';

const SERVER_FIELDS: ReadonlySet<ImapField> = new Set(['host', 'port', 'security', 'user', 'smtpHost', 'smtpPort', 'smtpSecurity']);

/** The field to focus for `message`; server fields mean the "Server settings" group must be open. */
export function imapFailureField(message: string): ImapField {
  const invalid = /^(email|password|host|port|security|user|smtpHost|smtpPort|smtpSecurity):/.exec(message);
  if (invalid) return invalid[1] as ImapField;
  // The outgoing server is checked after the IMAP sign-in succeeded, with the same user and password.
  if (/^outgoing mail:/i.test(message)) return /refused the (user name or )?password/i.test(message) ? 'password' : 'smtpHost';
  if (/refused the (user name or )?password/i.test(message)) return 'password';
  if (/no imap server was found|no server called|certificate is not trusted|did not answer in time/i.test(message)) return 'host';
  if (/nothing answers at/i.test(message)) return 'port';
  if (/does not speak (tls|starttls)/i.test(message)) return 'security';
  return 'password';
}

export const isServerField = (field: ImapField): boolean => SERVER_FIELDS.has(field);
