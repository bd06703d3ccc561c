// Delivers mailbridge:// links to the running instance (RFC 8252 §7.1 private-use URI
// scheme redirects): registers the scheme, and forwards links from the first launch's
// argv, from later launches ('second-instance') and from macOS 'open-url'.
import { app } from 'electron';
import { findDeepLink, PROTOCOL_SCHEME } from '../platform/deep-link.ts';
import { createLogger } from '../platform/logger.ts';

const log = createLogger('deep-links');

/**
 * Call before app 'ready' (macOS emits open-url early). Links arriving before `deliver`
 * is attached are kept and handed over once it is.
 */
export function listenForDeepLinks(): { attach(deliver: (url: string) => void): void } {
  // In development Electron runs as `electron path/to/app`: the app path must be registered too.
  if (process.defaultApp && process.argv[1]) app.setAsDefaultProtocolClient(PROTOCOL_SCHEME, process.execPath, [process.argv[1]]);
  else app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);

  const early: string[] = [];
  let deliver: ((url: string) => void) | null = null;
  const receive = (url: string | null) => {
    if (!url) return;
    if (deliver) deliver(url);
    else early.push(url);
  };
  receive(findDeepLink(process.argv));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    receive(findDeepLink([url]));
  });
  app.on('second-instance', (_event, argv) => receive(findDeepLink(argv)));
  return {
    attach(handler) {
      deliver = (url) => {
        try {
          handler(url);
        } catch (error) {
          log.warn('deep link refused', { error });
        }
      };
      early.splice(0).forEach(deliver);
    },
  };
}
