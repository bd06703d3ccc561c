// mailbridge:// links reach the app as a command-line argument (Windows, Linux: the OS
// starts a second instance, whose argv the first receives) or as an open-url event (macOS).
// This picks the link out of an argv, refusing anything that is not ours.

export const PROTOCOL_SCHEME = 'mailbridge';
const MAX_LINK_LENGTH = 8192;

/**
 * The first `mailbridge:` URL in `argv`, normalised, or null. Chromium switches that follow
 * the OS's own arguments (e.g. `--allow-file-access-from-files`) are ignored; so are
 * over-long or unparsable values.
 */
export function findDeepLink(argv: readonly string[]): string | null {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${PROTOCOL_SCHEME}:`) || arg.length > MAX_LINK_LENGTH) continue;
    try {
      const url = new URL(arg);
      if (url.protocol === `${PROTOCOL_SCHEME}:`) return url.href;
    } catch {
      // not a URL: keep looking
    }
  }
  return null;
}
