// Trying an IMAP account's sign-in before anything is stored: IMAP (LOGIN or AUTHENTICATE,
// then LIST, the way a sync starts) and the outgoing server (EHLO, TLS, AUTH, no mail sent),
// each failure said in words the rep can act on. Secrets pass through and are never logged.
import { ImapProvider, type ImapServerSettings } from '../mail/providers/imap.ts';
import { signedIn, type ImapSecret, type ImapSignIn } from '../mail/providers/imap-auth.ts';
import { APP_PASSWORD_DOMAINS, discoverSmtpServer, type SmtpServer } from '../mail/providers/imap-settings.ts';
import { smtpTransport } from '../mail/remote/imap-mailbox.ts';
import { AppError } from '../platform/app-error.ts';

const TLS_TRUST = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'UNABLE_TO_GET_ISSUER_CERT',
]);

/** One imapflow / socket failure as the rep should read it. */
export function describeImapFailure(error: unknown, server: ImapServerSettings, email: string): AppError {
  const e = error as { code?: string; authenticationFailed?: boolean; responseText?: string; message?: string } | null;
  const where = `${server.host}:${server.port}`;
  if (e?.authenticationFailed) {
    const domain = email.split('@')[1] ?? '';
    const appPassword = APP_PASSWORD_DOMAINS.has(domain) || /app(lication)?[- ]specific|app password/i.test(e.responseText ?? '');
    return new AppError(
      'invalid_input',
      appPassword ? `${where} refused the password: this provider wants an app password, made in its account security settings` : `${where} refused the user name or password`,
    );
  }
  if (e?.code && TLS_TRUST.has(e.code)) return new AppError('invalid_input', `${where}'s certificate is not trusted (${e.code}): check the server name, or ask its administrator`);
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return new AppError('invalid_input', `No server called ${server.host} was found`);
  if (e?.code === 'ECONNREFUSED') return new AppError('invalid_input', `Nothing answers at ${where}: check the port`);
  if (e?.code === 'ETIMEDOUT' || e?.code === 'CONNECT_TIMEOUT' || e?.code === 'GREETING_TIMEOUT') return new AppError('offline', `${where} did not answer in time`);
  if (/wrong version number|EPROTO|packet length too long/i.test(`${e?.code ?? ''} ${e?.message ?? ''}`)) {
    return new AppError('invalid_input', `${where} does not speak ${server.security === 'tls' ? 'TLS' : 'STARTTLS'} there: try ${server.security === 'tls' ? 'STARTTLS on port 143' : 'TLS on port 993'}`);
  }
  return new AppError('invalid_input', `Could not sign in to ${where}: ${e?.message ?? String(error)}`);
}

/** The outgoing server: as given, else discovered; null when the rep said none or nothing is found. */
export async function outgoingServer(address: string, given: Partial<SmtpServer> | null | undefined): Promise<SmtpServer | null> {
  if (given === null) return null;
  if (given?.host) return { host: given.host, port: given.port ?? (given.security === 'tls' ? 465 : 587), security: given.security ?? 'starttls' };
  return discoverSmtpServer(address);
}

/** Signs in to the SMTP server once (EHLO, TLS, AUTH) without sending; AppError with the reason in words. */
export async function verifySmtp(smtp: SmtpServer, user: string, signIn: ImapSignIn, timeoutMs?: number): Promise<void> {
  try {
    await signedIn(signIn, async (secret: ImapSecret) => {
      const transport = smtpTransport(smtp, user, secret, timeoutMs);
      try {
        await transport.verify();
      } finally {
        transport.close();
      }
    });
  } catch (error) {
    const e = error as { code?: string; responseCode?: number };
    const failure = e.code === 'EAUTH' || e.responseCode === 535 ? Object.assign(new Error('refused'), { authenticationFailed: true }) : error;
    const described = describeImapFailure(failure, { ...smtp, user }, user);
    throw new AppError(described.code, `Outgoing mail: ${described.message}`);
  }
}

/** Signs in to IMAP and lists the folders, the way a sync starts; AppError with the reason in words. */
export async function verifyImap(server: ImapServerSettings, signIn: ImapSignIn, email: string, timeoutMs?: number): Promise<void> {
  let probe: ImapProvider | undefined;
  try {
    probe = await signedIn(signIn, async (secret) => {
      const opened = new ImapProvider({ server, secret, ...(timeoutMs ? { timeoutMs } : {}) });
      try {
        await opened.connect();
        return opened;
      } catch (error) {
        await opened.close();
        throw error;
      }
    });
    await probe.listFolders();
  } catch (error) {
    throw describeImapFailure(error, server, email);
  } finally {
    await probe?.close();
  }
}
