// A real Postfix 3.7 (Debian `postfix`) in front of a real Dovecot, both on loopback, for
// the SMTP half of IMAP accounts: one private Postfix instance per call (`postfix -c DIR`,
// its own config, queue, data and log in a temp dir; nothing of /etc/postfix or a system
// instance is used), delivering into Dovecot over LMTP and authenticating through Dovecot
// SASL, so one login (a full address) works for IMAP and SMTP. Needs root: Postfix does.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { currentTestCa } from './test-ca.ts';
import { startDovecot, tempRoot, type DovecotServer, type StartDovecotOptions } from './dovecot.ts';
import { freePort, run } from './dovecot-process.ts';
import { mailboxesTable, mainCf, masterCf, type PostfixLayout, type PostfixPorts } from './postfix-config.ts';

export { MESSAGE_SIZE_LIMIT } from './postfix-config.ts';

export interface MailServerUser {
  /** A full address, e.g. `vince@enron.test`: the IMAP and the SMTP login, and the mailbox. */
  user: string;
  password: string;
  /** A folder of RFC 5322 files loaded as the Dovecot INBOX (see DovecotUserOptions). */
  maildir?: string;
}

export interface StartMailServersOptions {
  users: MailServerUser[];
  /** Domain whose mail is delivered into Dovecot; default `enron.test`. */
  domain?: string;
  /** More Dovecot settings: SASL mechanisms and config (`oauth2`: XOAUTH2 logins checked by token introspection). */
  dovecot?: Pick<StartDovecotOptions, 'authMechanisms' | 'extraConfig' | 'oauth2'>;
}

export interface MailServers {
  /** The Dovecot holding the users' mail (IMAPS on `imap.port`, STARTTLS on `imap.starttlsPort`). */
  imap: DovecotServer;
  smtp: {
    host: '127.0.0.1';
    /** Submission: STARTTLS required before AUTH, AUTH required before MAIL (RFC 6409). */
    port: number;
    /** Submissions, 465-style implicit TLS (RFC 8314 §3.3), AUTH required. */
    implicitTlsPort: number;
    /**
     * Port-25 style, as a domain's MX: no AUTH offered, STARTTLS optional, accepts mail for
     * the test domain's users from anyone, refuses relaying (554 5.7.1 Relay access denied).
     */
    mxPort: number;
  };
  /** Postfix's own log (maillog_file): deliveries (`status=sent`), SASL failures, TLS. */
  logPath: string;
  /** Temp dir of the Postfix instance (config in `conf/`, queue in `queue/`). */
  dir: string;
  /** Runs `postqueue -c <config> …args` (e.g. `['-p']` to list the queue); resolves stdout. */
  postqueue(args: string[]): Promise<string>;
  /** `postfix stop` (orderly, waits), then Dovecot's stop, then removes the temp dirs. */
  stop(): Promise<void>;
}

const POSTFIX = process.env.MAILBRIDGE_POSTFIX ?? '/usr/sbin/postfix';
const POSTQUEUE = process.env.MAILBRIDGE_POSTQUEUE ?? '/usr/sbin/postqueue';
const GREETING_TIMEOUT_MS = 5000;

function makeLayout(): PostfixLayout {
  const dir = mkdtempSync(join(tempRoot(), 'mailbridge-postfix-'));
  // Traversable by Postfix's unprivileged daemons; queue_directory must stay root-owned.
  chmodSync(dir, 0o711);
  const configDir = join(dir, 'conf');
  const layout: PostfixLayout = {
    dir,
    configDir,
    queueDir: join(dir, 'queue'),
    dataDir: join(dir, 'data'),
    logPath: join(dir, 'postfix.log'),
    certPath: join(configDir, 'server.pem'),
    keyPath: join(configDir, 'server-key.pem'),
    mailboxesPath: join(configDir, 'mailboxes'),
  };
  mkdirSync(configDir, { mode: 0o755 });
  mkdirSync(layout.queueDir, { mode: 0o755 });
  return layout;
}

/**
 * Writes a config file dated a minute back: Postfix waits (300 ms steps, up to ~2 s) until
 * main.cf and each table is over a second old before reading it, against half-written files.
 */
function writeSettled(path: string, text: string, mode = 0o644): void {
  writeFileSync(path, text, { mode });
  const past = new Date(Date.now() - 60_000);
  utimesSync(path, past, past);
}

function postfixUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postfix:'));
  if (!line) throw new Error('no user postfix in /etc/passwd: run through `scripts/toolchain.sh --with-system-packages`');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function logTail(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Reads the 220 greeting on a port and says QUIT: smtpd answers, so the listener works.
 * With `ca`, over implicit TLS verified against it.
 */
function greets(port: number, ca?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket: Socket = ca ? tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }) : connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.setTimeout(GREETING_TIMEOUT_MS, () => done(false));
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (!received.includes('\r\n')) return;
      if (!received.startsWith('220 ')) return done(false);
      socket.end('QUIT\r\n');
      resolve(true);
    });
    socket.once('error', () => done(false));
  });
}

/** The master's pid from `<queue>/pid/master.pid` (it leads its own process group). */
function masterPid(layout: PostfixLayout): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(layout.queueDir, 'pid/master.pid'), 'utf8').trim(), 10);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Kill-and-remove of every instance not yet stopped, run when the test process exits. */
const running = new Set<() => void>();
process.once('exit', () => running.forEach((forget) => forget()));

/** Writes the config with fresh ports and runs `postfix start`; retries when a port was taken. */
async function startPostfix(layout: PostfixLayout, write: (ports: PostfixPorts) => void): Promise<PostfixPorts> {
  for (let attempt = 1; ; attempt++) {
    const ports: PostfixPorts = { mx: await freePort(), submission: await freePort(), submissions: await freePort() };
    write(ports);
    try {
      // `start` runs the integrity check (creating the queue's subdirectories owned by
      // postfix on first use), then `master -w`: it returns once the master listens.
      await run(POSTFIX, ['-c', layout.configDir, 'start']);
    } catch (error) {
      const log = logTail(layout.logPath);
      if (attempt < 3 && /address already in use/i.test(log)) continue;
      throw new Error(`postfix did not start: ${(error as Error).message}\n${log}`, { cause: error });
    }
    const ca = readFileSync(currentTestCa().caCertPath, 'utf8');
    for (const [port, tlsCa] of [[ports.submission], [ports.submissions, ca], [ports.mx]] as const) {
      if (!(await greets(port, tlsCa))) {
        killGroup(masterPid(layout));
        throw new Error(`postfix listens but port ${port} does not greet\n${logTail(layout.logPath)}`);
      }
    }
    return ports;
  }
}

/**
 * Starts a Dovecot for the users (logins = full addresses), then a private Postfix that
 * delivers the domain's mail into it over LMTP and takes SMTP AUTH through Dovecot SASL,
 * with TLS from the run's test CA. Typical start-up: ~0.55 s alone, up to ~1 s beside other
 * tests (Dovecot ~70 ms; `postfix start` ~0.4 s, most of it its integrity check). A refused
 * login takes up to 0.5 s (Dovecot answers failures on a 500 ms timer); a submitted message
 * is in the recipient's Maildir 5–30 ms after Postfix accepts it. Rejects with the Postfix
 * log tail when it does not come up.
 */
export async function startMailServers(options: StartMailServersOptions): Promise<MailServers> {
  if (process.getuid?.() !== 0) throw new Error('startMailServers needs root: Postfix runs only as root');
  const domain = (options.domain ?? 'enron.test').toLowerCase();
  const table = mailboxesTable(options.users);
  const domains = [...new Set([domain, ...options.users.map((u) => (u.user.split('@')[1] ?? domain).toLowerCase())])];
  const owner = postfixUser();
  const imap = await startDovecot({ users: options.users, mta: { user: 'postfix', group: 'postfix' }, ...options.dovecot });
  const layout = makeLayout();
  const cleanup = () => rmSync(layout.dir, { recursive: true, force: true, maxRetries: 5 });
  try {
    if (!imap.lmtpSocket || !imap.authSocket) throw new Error('dovecot has no MTA sockets');
    const lmtpSocket = imap.lmtpSocket;
    const authSocket = imap.authSocket;
    const ca = currentTestCa();
    writeFileSync(layout.certPath, ca.serverCert, { mode: 0o644 });
    writeFileSync(layout.keyPath, ca.serverKey, { mode: 0o600 });
    writeSettled(layout.mailboxesPath, table);
    mkdirSync(layout.dataDir, { mode: 0o700 });
    chownSync(layout.dataDir, owner.uid, owner.gid);
    const ports = await startPostfix(layout, (p) => {
      const config = { layout, ports: p, domains, lmtpSocket, authSocket };
      writeSettled(join(layout.configDir, 'main.cf'), mainCf(config));
      writeSettled(join(layout.configDir, 'master.cf'), masterCf(config));
    });
    const forget = () => {
      killGroup(masterPid(layout));
      cleanup();
    };
    running.add(forget);
    return {
      imap,
      smtp: { host: '127.0.0.1', port: ports.submission, implicitTlsPort: ports.submissions, mxPort: ports.mx },
      logPath: layout.logPath,
      dir: layout.dir,
      postqueue: (args) => run(POSTQUEUE, ['-c', layout.configDir, ...args]),
      async stop() {
        running.delete(forget);
        const pid = masterPid(layout);
        // Waits up to 5 s for the master to exit, then kills its process group.
        await run(POSTFIX, ['-c', layout.configDir, 'stop']).catch(() => killGroup(pid));
        await imap.stop();
        cleanup();
      },
    };
  } catch (error) {
    killGroup(masterPid(layout));
    cleanup();
    await imap.stop();
    throw error;
  }
}
