// Process plumbing for test/support/dovecot.ts: free loopback ports, the foreground
// master in its own process group, readiness by a real IMAP greeting, and doveadm calls.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

const DOVECOT = process.env.MAILBRIDGE_DOVECOT ?? '/usr/sbin/dovecot';
const START_TIMEOUT_MS = 10_000;

export { freePort } from './free-port.ts';

/**
 * Reads the greeting on the plain port and logs out. imap-login greets only once the auth
 * process answers, so this proves logins work; a bare TCP probe would leave half-started
 * login processes that hold up the master's shutdown.
 */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    let greeted = false;
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.setTimeout(2000, () => done(false));
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (!greeted && received.includes('\r\n')) {
        greeted = true;
        if (!received.startsWith('* OK')) return done(false);
        socket.write('x LOGOUT\r\n');
      }
      if (received.includes('\r\nx OK')) done(true);
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

export function run(file: string, args: string[], stdin?: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
    child.stdin?.end(stdin ?? '');
  });
}

/**
 * Spawns `dovecot -F -c <config>` in its own process group and resolves once the plain
 * port greets (both listeners are bound by then). Rejects after 10 s or when the master
 * exits, with its stderr and log tail; `addressInUse` is set when a port was taken.
 */
export async function launch(configPath: string, plainPort: number, logPath: string): Promise<ChildProcess> {
  const child = spawn(DOVECOT, ['-F', '-c', configPath], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!dead && Date.now() < deadline) {
    if (await greets(plainPort)) {
      // A test that forgets stop() must not keep its process alive; the exit hook cleans up.
      child.unref();
      (child.stderr as Socket | null)?.unref();
      return child;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  signalGroup(child, 'SIGKILL');
  let log = '';
  try {
    log = readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    /* no log yet: the config did not parse */
  }
  throw Object.assign(new Error(`dovecot did not start: ${stderr.trim()}\n${log}`), { addressInUse: /in use/i.test(stderr + log) });
}

/** The master and every Dovecot process it forked (its own process group, see `detached`). */
export function signalGroup(master: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (master.pid) process.kill(-master.pid, signal);
  } catch {
    /* already gone */
  }
}

export async function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => (clearTimeout(timer), resolve(true)));
  });
}
