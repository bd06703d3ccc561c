// The crash test's child process: opens the profile and its CRM service and lets the outbox
// run. With --hold-after-commit, a logEmail that got HubSpot's 2xx reports "committed" on
// stdout and never returns, so the parent can SIGKILL this process between the CRM's answer
// and markDone. Prints "ready" once started and "idle" when the outbox has nothing left.
// Usage: node test/support/outbox-child.ts --db PATH --url EMULATOR_URL [--hold-after-commit]
import { parseArgs } from 'node:util';
import { openOutboxProfile } from './outbox-profile.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, url: { type: 'string' }, 'hold-after-commit': { type: 'boolean', default: false } },
});
const say = (line: string) => process.stdout.write(`${line}\n`);

const profile = await openOutboxProfile({
  path: values.db!,
  emulatorUrl: values.url!,
  wrap: (connector) =>
    values['hold-after-commit']
      ? {
          crm: connector.crm,
          verify: () => connector.verify(),
          findContactsByEmail: (emails) => connector.findContactsByEmail(emails),
          listLoggedEmails: (id) => connector.listLoggedEmails(id),
          async logEmail(activity, associations) {
            const result = await connector.logEmail(activity, associations);
            say(`committed ${result.crmActivityId}`);
            return new Promise<never>(() => {});
          },
        }
      : connector,
});
say('ready');
profile.service.retryNow();
await profile.service.whenIdle();
say(`idle ${JSON.stringify(profile.service.status())}`);
await profile.close();
