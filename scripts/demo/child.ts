// Runs a child (the demo inside its keyring session, the CLI for explore.ts) with the
// terminal's stdin/stdout, passing its stderr through minus dbus-daemon's start-up chatter
// ("Failed to set fd limit", accessibility-bus activation by Chromium), which says nothing
// a person could act on.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const DBUS_CHATTER = /^dbus-daemon\[\d+\]: /;

/** Resolves with the child's exit code (130 after Ctrl-C, 1 for another signal); rejects when it cannot start. */
export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['inherit', 'inherit', 'pipe'], env });
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!DBUS_CHATTER.test(line)) process.stderr.write(line + '\n');
    });
    // Ctrl-C reaches the child too (same process group): it cleans up and exits by itself.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    child.on('error', (error) => {
      process.off('SIGINT', ignore);
      reject(error);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(signal === 'SIGINT' ? 130 : (code ?? (signal ? 1 : 0)));
    });
  });
}
