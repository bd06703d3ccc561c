// Opens a URL in the user's default browser for the headless CLI (RFC 8252 §8.12: use the
// external user-agent). The Electron shell uses shell.openExternal instead. No shell is
// involved: the URL is one argv element, so `&` and quotes in it cannot inject commands.
import { spawn } from 'node:child_process';

export interface BrowserCommand {
  command: string;
  args: string[];
}

/**
 * The opener for `platform`. Windows uses `rundll32 url.dll,FileProtocolHandler` rather than
 * `start`: `start` is a cmd.exe built-in, and cmd would parse the `&` in an OAuth URL.
 */
export function systemBrowserCommand(url: string, platform: NodeJS.Platform = process.platform): BrowserCommand {
  switch (platform) {
    case 'darwin':
      return { command: 'open', args: [url] };
    case 'win32':
      return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
    default:
      return { command: 'xdg-open', args: [url] };
  }
}

/**
 * Starts the platform opener detached and resolves once it has been spawned. Rejects with a
 * TypeError for anything but an http(s) URL, or with the spawn error (e.g. ENOENT without xdg-open).
 */
export function openInSystemBrowser(url: string): Promise<void> {
  const parsed = URL.parse(url);
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    return Promise.reject(new TypeError('Only http(s) URLs are opened in the browser'));
  }
  return openWithSystem(parsed.href);
}

/**
 * Hands `target` (a URL or a file path) to the platform opener, detached; resolves once it is
 * spawned, rejects with the spawn error. Callers decide what may be opened.
 */
export function openWithSystem(target: string): Promise<void> {
  const { command, args } = systemBrowserCommand(target);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', shell: false });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
