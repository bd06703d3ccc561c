// The second-process half of a custom-scheme redirect (RFC 8252 §7.1): the OS starts
// `mailbridge mailbridge://auth/microsoft?code=…&state=…`; this forwards the URL to the
// profile's running instance and exits, never opening the store or logging the URL.
import { forwardToRunningInstance, NoRunningInstanceError } from '../platform/single-instance.ts';

export const isDeepLink = (arg: string): boolean => /^mailbridge:/i.test(arg);

/** Exit code: 0 when the running instance took the link (accepted or rejected), 1 when none runs. */
export async function handOffDeepLink(profileDir: string, url: string): Promise<number> {
  try {
    const answer = await forwardToRunningInstance(profileDir, url);
    process.stderr.write(answer === 'accepted' ? 'mailbridge: link handed to the running instance\n' : 'mailbridge: the running instance did not accept the link\n');
    return 0;
  } catch (error) {
    if (!(error instanceof NoRunningInstanceError)) throw error;
    process.stderr.write(`mailbridge: ${error.message}\n`);
    return 1;
  }
}
