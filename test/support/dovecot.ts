// A real Dovecot 2.3 IMAP server (Debian dovecot-imapd) started by a test on loopback, with
// its own config, sockets, state, log and mail in a fresh temp dir: nothing of /etc/dovecot
// or the system service is used. Mail is loaded into Maildir before start-up.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { currentTestCa } from './test-ca.ts';
import { DEFAULT_AUTH_MECHANISMS, dovecotConfig, passwdFile, MTA_SOCKETS, type DovecotIdentity, type DovecotLayout, type DovecotMtaSockets, type DovecotPorts } from './dovecot-config.ts';
import { freePort, launch, run, signalGroup, waitExit } from './dovecot-process.ts';
import { ensureMaildirFolder, loadCorpusFolder, maildirFolderPath, type MailOwner } from './maildir-load.ts';

export { SPECIAL_USE_FOLDERS } from './dovecot-config.ts';

export interface DovecotUser {
  user: string;
  password: string;
}

export interface DovecotUserOptions extends DovecotUser {
  /**
   * A folder of RFC 5322 files (e.g. ../shared/data/enron/maildir/kaminski-v/inbox) loaded
   * as INBOX, in numeric file order = UID order; every third message (n % 3 === 2) unseen.
   * Its subfolders are not loaded: pass them in `folders`.
   */
  maildir?: string;
  /** Folder name (`/`-separated, e.g. `Sent` or `Projects/2001`) → folder of RFC 5322 files. */
  folders?: Record<string, string>;
}

export interface StartDovecotOptions {
  users: DovecotUserOptions[];
  /** Server certificate and key (PEM); default: the run's test CA server certificate. */
  tls?: { cert: string; key: string };
  /** SASL mechanisms; default `plain login`. */
  authMechanisms?: string[];
  /** LMTP delivery and SASL auth sockets for a local MTA, owned by this user (see postfix.ts). */
  mta?: DovecotMtaSockets;
  /** Appended to dovecot.conf verbatim. */
  extraConfig?: string;
  /**
   * XOAUTH2 and OAUTHBEARER logins (RFC 7628), each token checked at an OAuth 2.0 token
   * introspection endpoint (RFC 7662, `introspection_mode = post`, the client's credentials
   * as HTTP Basic) over HTTPS trusting the run's test CA; the answer's `email` must equal the
   * login name. Users also in `users` keep their password logins.
   */
  oauth2?: { introspectionUrl: string; clientId: string; clientSecret: string };
}

export interface DovecotServer {
  host: '127.0.0.1';
  /** IMAPS, implicit TLS (RFC 8314 §3.2). */
  port: number;
  /**
   * Plain IMAP with STARTTLS (RFC 3501 §6.2.1). Dovecot counts a connection whose remote IP
   * equals its local IP as secured, so from 127.0.0.1 LOGIN works even without STARTTLS;
   * connect from 127.0.0.2 (`localAddress`) to see LOGINDISABLED until STARTTLS.
   */
  starttlsPort: number;
  users: DovecotUser[];
  /** `<mailRoot>/<user>/Maildir` is each user's Maildir. */
  mailRoot: string;
  /** Messages loaded before start-up, per user and folder (`INBOX`, `Sent`, …). */
  loaded: Record<string, Record<string, number>>;
  dir: string;
  configPath: string;
  /** Dovecot's own log (errors, logins, auth failures): read it when a test fails. */
  logPath: string;
  pid: number;
  /** With `mta`: Dovecot's LMTP socket and its SASL auth socket (Postfix `smtpd_sasl_type = dovecot`). */
  lmtpSocket?: string;
  authSocket?: string;
  /**
   * Runs `doveadm -c <this config> …args`; resolves stdout, rejects with stderr on failure.
   * Forcing a UIDVALIDITY change (Dovecot 2.3.19):
   * `['mailbox', 'update', '-u', user, '--uid-validity', '12345', 'INBOX']`; UIDs stay as
   * they were, a session with the mailbox selected gets `* BYE IMAP session state is
   * inconsistent, please relogin.`, the next SELECT reports the new value.
   */
  doveadm(args: string[], stdin?: Buffer | string): Promise<string>;
  /**
   * Saves one message through `doveadm save` (default folder INBOX). An IDLEing session gets
   * EXISTS after ~0.5 s: Dovecot batches change notifications for 500 ms.
   */
  deliver(user: string, raw: Buffer | string, folder?: string): Promise<void>;
  /**
   * SIGTERM to the master and its process group, waits for the master to exit (≤ 5 s, then
   * SIGKILL), removes the temp dir. Usually ~0.1 s. Servers never stopped are killed and
   * removed when the test process exits.
   */
  stop(): Promise<void>;
}

const DOVEADM = process.env.MAILBRIDGE_DOVEADM ?? '/usr/bin/doveadm';

function passwdEntry(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(name + ':'));
  if (!line) throw new Error(`no user ${name} in /etc/passwd: is dovecot-core installed?`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * As root, mail belongs to `nobody` (Dovecot will not run mail processes as uid 0) and the
 * services use Debian's `dovecot`/`dovenull`; otherwise everything runs as the current user.
 */
function identity(): DovecotIdentity {
  const me = userInfo();
  if (me.uid === 0) {
    const nobody = passwdEntry('nobody');
    return { mailUid: nobody.uid, mailGid: nobody.gid };
  }
  const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  return { mailUid: me.uid, mailGid: me.gid, rootless: { user: me.username, group } };
}

/**
 * tmpfs when there is one: creating 4,000 Maildir files on this machine's ext4 /tmp takes
 * ~3 s, on /dev/shm ~50 ms. MAILBRIDGE_DOVECOT_TMP overrides.
 */
export function tempRoot(): string {
  const wanted = process.env.MAILBRIDGE_DOVECOT_TMP ?? '/dev/shm';
  try {
    accessSync(wanted, constants.W_OK | constants.X_OK);
    return wanted;
  } catch {
    return tmpdir();
  }
}

function makeLayout(): DovecotLayout {
  const dir = mkdtempSync(join(tempRoot(), 'mailbridge-dovecot-'));
  // Traversable by the unprivileged auth, login and mail processes; listing stays private.
  chmodSync(dir, 0o711);
  const layout: DovecotLayout = {
    dir,
    baseDir: join(dir, 'run'),
    stateDir: join(dir, 'state'),
    logPath: join(dir, 'dovecot.log'),
    passwdPath: join(dir, 'passwd'),
    certPath: join(dir, 'server.pem'),
    keyPath: join(dir, 'server-key.pem'),
    mailRoot: join(dir, 'mail'),
  };
  for (const d of [layout.baseDir, layout.stateDir, layout.mailRoot]) mkdirSync(d, { mode: 0o755 });
  return layout;
}

function loadMail(layout: DovecotLayout, owner: MailOwner, users: DovecotUserOptions[]): DovecotServer['loaded'] {
  chownSync(layout.mailRoot, owner.uid, owner.gid);
  const loaded: DovecotServer['loaded'] = {};
  for (const u of users) {
    const home = join(layout.mailRoot, u.user);
    const maildir = join(home, 'Maildir');
    mkdirSync(home, { mode: 0o700 });
    chownSync(home, owner.uid, owner.gid);
    ensureMaildirFolder(maildir, owner, true);
    const sources: Record<string, string | undefined> = { INBOX: u.maildir, ...u.folders };
    const counts: Record<string, number> = (loaded[u.user] = {});
    for (const [folder, source] of Object.entries(sources)) {
      const dir = maildirFolderPath(maildir, folder);
      if (folder !== 'INBOX') ensureMaildirFolder(dir, owner, false);
      counts[folder] = source ? loadCorpusFolder(source, dir, owner) : 0;
    }
  }
  return loaded;
}

/**
 * Writes the oauth2 passdb's settings file (https://doc.dovecot.org/2.3/configuration_manual/authentication/oauth2/)
 * and the CA its HTTP client trusts; returns the passdb block for dovecot.conf. The password
 * passdb comes first: a token is no password there, so the lookup falls through to this one.
 */
function writeOauth2Settings(layout: DovecotLayout, oauth2: NonNullable<StartDovecotOptions['oauth2']>, id: DovecotIdentity): string {
  const url = new URL(oauth2.introspectionUrl);
  url.username = encodeURIComponent(oauth2.clientId);
  url.password = encodeURIComponent(oauth2.clientSecret);
  const caPath = join(layout.dir, 'oauth2-ca.pem');
  const settingsPath = join(layout.dir, 'dovecot-oauth2.conf.ext');
  writeFileSync(caPath, readFileSync(currentTestCa().caCertPath), { mode: 0o644 });
  writeFileSync(
    settingsPath,
    [
      'introspection_mode = post',
      `introspection_url = ${url.href}`,
      'username_attribute = email',
      'active_attribute = active',
      'active_value = true',
      `tls_ca_cert_file = ${caPath}`,
      'timeout_msecs = 5000',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  if (!id.rootless) chownSync(settingsPath, passwdEntry('dovecot').uid, passwdEntry('dovecot').gid);
  return `
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${settingsPath}
}
`;
}

/** Kill-and-remove of every server not yet stopped, run when the test process exits. */
const running = new Set<() => void>();
process.once('exit', () => running.forEach((forget) => forget()));

/**
 * Starts one Dovecot with the given users, their mail loaded first (Enron-style folders of
 * RFC 5322 files). Typical start-up: tens of ms plus ~1 ms per 10 loaded messages.
 * Rejects with Dovecot's stderr and log tail when it does not come up within 10 s.
 */
export async function startDovecot(options: StartDovecotOptions): Promise<DovecotServer> {
  const layout = makeLayout();
  const id = identity();
  const configPath = join(layout.dir, 'dovecot.conf');
  const cleanup = () => rmSync(layout.dir, { recursive: true, force: true, maxRetries: 5 });
  try {
    const tls = options.tls ?? { cert: currentTestCa().serverCert, key: currentTestCa().serverKey };
    writeFileSync(layout.certPath, tls.cert, { mode: 0o600 });
    writeFileSync(layout.keyPath, tls.key, { mode: 0o600 });
    writeFileSync(layout.passwdPath, passwdFile(options.users), { mode: 0o600 });
    // The auth process (default_internal_user) reads the passwd-file itself.
    if (!id.rootless) chownSync(layout.passwdPath, passwdEntry('dovecot').uid, passwdEntry('dovecot').gid);
    const loaded = loadMail(layout, { uid: id.mailUid, gid: id.mailGid }, options.users);
    const oauth2 = options.oauth2 ? writeOauth2Settings(layout, options.oauth2, id) : null;
    const authMechanisms = oauth2 ? [...(options.authMechanisms ?? DEFAULT_AUTH_MECHANISMS), 'xoauth2', 'oauthbearer'] : options.authMechanisms;
    const extraConfig = `${oauth2 ?? ''}${options.extraConfig ?? ''}`;

    let child: ChildProcess | undefined;
    let ports: DovecotPorts = { imaps: 0, imap: 0 };
    for (let attempt = 1; !child; attempt++) {
      ports = { imaps: await freePort(), imap: await freePort() };
      writeFileSync(configPath, dovecotConfig({ layout, identity: id, ports, authMechanisms, mta: options.mta, extraConfig }));
      try {
        child = await launch(configPath, ports.imap, layout.logPath);
      } catch (error) {
        if (!(error as { addressInUse?: boolean }).addressInUse || attempt >= 3) throw error;
      }
    }
    const master = child;
    const forget = () => {
      signalGroup(master, 'SIGKILL');
      cleanup();
    };
    running.add(forget);

    const doveadm = (args: string[], stdin?: Buffer | string) => run(DOVEADM, ['-c', configPath, ...args], stdin);
    return {
      host: '127.0.0.1',
      port: ports.imaps,
      starttlsPort: ports.imap,
      users: options.users.map(({ user, password }) => ({ user, password })),
      mailRoot: layout.mailRoot,
      loaded,
      dir: layout.dir,
      configPath,
      logPath: layout.logPath,
      pid: master.pid ?? 0,
      ...(options.mta && { lmtpSocket: join(layout.baseDir, MTA_SOCKETS.lmtp), authSocket: join(layout.baseDir, MTA_SOCKETS.auth) }),
      doveadm,
      async deliver(user, raw, folder = 'INBOX') {
        await doveadm(['save', '-u', user, '-m', folder], raw);
      },
      async stop() {
        running.delete(forget);
        signalGroup(master, 'SIGTERM');
        if (!(await waitExit(master, 5000))) {
          signalGroup(master, 'SIGKILL');
          await waitExit(master, 2000);
        }
        cleanup();
      },
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}
