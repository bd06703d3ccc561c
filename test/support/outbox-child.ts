// The crash test's child process: opens the profile and its CRM service and lets the outbox
// run. With --hold-after-commit, a logEmail that got the CRM's 2xx reports "committed" on
// stdout and never returns, so the parent can SIGKILL this process between the CRM's answer
// and markDone. Prints "ready" once started and "idle" when the outbox has nothing left.
// Usage: node test/support/outbox-child.ts --db PATH --url EMULATOR_URL [--crm hubspot|pipedrive|salesforce] [--hold-after-commit]
import { parseArgs } from 'node:util';
import type { CrmConnector, CrmKind } from '../../src-main/crm/types.ts';
import { openOutboxProfile } from './outbox-profile.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, url: { type: 'string' }, crm: { type: 'string', default: 'hubspot' }, 'hold-after-commit': { type: 'boolean', default: false } },
});
const say = (line: string) => process.stdout.write(`${line}\n`);

/** The real connector, except that a logEmail the CRM answered reports it and never returns. */
function holdAfterCommit(connector: CrmConnector): CrmConnector {
  return new Proxy(connector, {
    get(target, property) {
      if (property === 'logEmail') {
        return async (...args: Parameters<CrmConnector['logEmail']>) => {
          const result = await target.logEmail(...args);
          say(`committed ${result.crmActivityId}`);
          return new Promise<never>(() => {});
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const profile = await openOutboxProfile({
  path: values.db!,
  emulatorUrl: values.url!,
  crm: values.crm as CrmKind,
  ...(values['hold-after-commit'] ? { wrap: holdAfterCommit } : {}),
});
say('ready');
profile.service.retryNow();
await profile.service.whenIdle();
say(`idle ${JSON.stringify(profile.service.status())}`);
await profile.close();
