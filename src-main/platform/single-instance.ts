// One running Mailbridge per profile, for the headless CLI: on Linux and Windows the OS opens
// a mailbridge:// link by starting a second process with the URL in argv; that process hands
// the URL to the running instance over a per-profile local socket and exits. (The Electron
// shell does the same with requestSingleInstanceLock + 'second-instance'.) The socket is a
// unix domain socket in the profile directory, mode 0600; a named pipe on Windows.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createHash } from 'node:crypto';
import { chmodSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from './logger.ts';

const log = createLogger('platform.single-instance');

/** Longest line accepted: an authorization response URL is well under this. */
const MAX_URL_BYTES = 8 * 1024;

export class InstanceRunningError extends Error {
  constructor() {
    super('another Mailbridge instance is already running for this profile');
    this.name = 'InstanceRunningError';
  }
}

export class NoRunningInstanceError extends Error {
  constructor() {
    super('no running Mailbridge instance for this profile to take the link');
    this.name = 'NoRunningInstanceError';
  }
}

/** The socket of `profileDir`'s instance: DIR/instance.sock, or \\.\pipe\mailbridge-<hash> on Windows. */
export function instanceSocketPath(profileDir: string, platform = process.platform): string {
  if (platform === 'win32') {
    return `\\\\.\\pipe\\mailbridge-${createHash('sha256').update(profileDir.toLowerCase()).digest('hex').slice(0, 24)}`;
  }
  return join(profileDir, 'instance.sock');
}

export interface InstanceListener {
  readonly path: string;
  close(): Promise<void>;
}

function probe(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Becomes the profile's running instance: every URL a second process forwards is passed to
 * `onUrl` (true = accepted). Throws InstanceRunningError when another instance listens; a
 * stale socket left by a crash is replaced.
 */
export async function listenForDeepLinks(profileDir: string, onUrl: (url: string) => boolean): Promise<InstanceListener> {
  const path = instanceSocketPath(profileDir);
  if (process.platform !== 'win32') {
    if (await probe(path)) throw new InstanceRunningError();
    try {
      unlinkSync(path);
    } catch {
      // nothing stale to remove
    }
  }
  const server: Server = createServer((socket: Socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_URL_BYTES) {
        log.warn('forwarded link rejected', { reason: 'too long' });
        socket.end('rejected\n');
        return;
      }
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      const url = buffered.slice(0, end).trim();
      let accepted = false;
      try {
        accepted = url.startsWith('mailbridge:') && onUrl(url);
      } catch (error) {
        log.error('deep-link handler failed', { error: error instanceof Error ? error.name : 'unknown' });
      }
      socket.end(accepted ? 'accepted\n' : 'rejected\n');
    });
    socket.on('error', () => {});
  });
  // The socket file is created by listen(): a restrictive umask closes the window before chmod.
  const previousUmask = process.platform === 'win32' ? undefined : process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  log.debug('listening for deep links');
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/**
 * The second process's half: sends `url` to the running instance and resolves with its
 * answer. Throws NoRunningInstanceError when nothing listens (within `timeoutMs`, default 5 s).
 */
export function forwardToRunningInstance(profileDir: string, url: string, timeoutMs = 5_000): Promise<'accepted' | 'rejected'> {
  const path = instanceSocketPath(profileDir);
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new NoRunningInstanceError());
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${url.replace(/[\r\n]/g, '')}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('end', () => {
      clearTimeout(timer);
      resolve(answer.trim() === 'accepted' ? 'accepted' : 'rejected');
    });
    socket.once('error', () => {
      clearTimeout(timer);
      reject(new NoRunningInstanceError());
    });
  });
}
