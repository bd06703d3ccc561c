// The send crash test's child process: opens the profile's store and a send outbox that talks
// to the Gmail emulator through the real client. With --hold-after-commit, a send that got
// Gmail's 2xx reports "committed" on stdout and never returns, so the parent can SIGKILL this
// process between the provider's answer and recording it. Prints "ready", then "idle" once
// nothing is due. Usage: node test/support/send-child.ts --db PATH --url GMAIL_URL [--hold-after-commit]
import { parseArgs } from 'node:util';
import { OAuth2Client } from 'google-auth-library';
import { GmailMailbox } from '../../src-main/mail/remote/gmail-mailbox.ts';
import { SendOutbox } from '../../src-main/mail/send/send-outbox.ts';
import type { RemoteMailbox } from '../../src-main/mail/remote/remote-mailbox.ts';
import { createAppEvents } from '../../src-main/platform/app-events.ts';
import { createOsSecretStore } from '../../src-main/platform/keychain.ts';
import { openProfileStore } from '../../src-main/store/profile-store.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, url: { type: 'string' }, 'hold-after-commit': { type: 'boolean', default: false } },
});
const say = (line: string) => process.stdout.write(`${line}\n`);

const store = await openProfileStore({ path: values.db!, secrets: createOsSecretStore() });
const mailbox = (): RemoteMailbox => {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'send-crash-test' });
  const real = new GmailMailbox({ auth, rootUrl: `${values.url!}/`, timeoutMs: 5_000 });
  if (!values['hold-after-commit']) return real;
  return {
    apply: (action, ids) => real.apply(action, ids),
    findByMessageId: (id) => real.findByMessageId(id),
    fetchSource: (id) => real.fetchSource(id),
    close: () => real.close(),
    async send(message) {
      const result = await real.send(message);
      say(`committed ${result.providerMessageId}`);
      return new Promise<never>(() => {});
    },
  };
};
const outbox = new SendOutbox({ store, mailbox, canSend: () => true, events: createAppEvents(), undoSeconds: () => 0 });
say('ready');
outbox.retryNow();
while (store.sendOutbox.nextDueAt() !== null) await new Promise((resolve) => setTimeout(resolve, 25));
say('idle');
await outbox.close();
store.close();
