// The crash campaign's child process: opens a profile with the real services (the app's own
// openServices, config from DIR/config.json, key from the test session's keychain), runs one
// job and reports how far it got, so the parent can SIGKILL it at a chosen point.
// stdout protocol, one line each: "ready N" (N the progress before the job starts), "progress N" (every ~20 ms, N from the job's
// progress query), "done JSON" (the job's result), then the process exits 0.
// Usage: node test/support/chaos/chaos-child.ts --profile DIR --job JSON
import { parseArgs } from 'node:util';
import { openServices } from '../../../src-main/app/assemble.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';
import type { ChaosJob } from './campaign.ts';

const PROGRESS_INTERVAL_MS = 20;

const { values } = parseArgs({ options: { profile: { type: 'string' }, job: { type: 'string' } } });
if (!values.profile || !values.job) throw new Error('usage: chaos-child.ts --profile DIR --job JSON');
const job = JSON.parse(values.job) as ChaosJob;
const say = (line: string) => process.stdout.write(`${line}\n`);

const services = await openServices({ profileDir: values.profile });
const progress = databaseOf(services.store).prepare(job.progressSql).pluck();
const ticker = setInterval(() => say(`progress ${String(progress.get())}`), PROGRESS_INTERVAL_MS);
say(`ready ${String(progress.get())}`);
try {
  let result: unknown;
  switch (job.kind) {
    case 'sync':
      result = await services.syncAccount(job.accountId);
      break;
    case 'import':
      result = await services.importMailbox(job.path, { accountEmail: job.accountEmail });
      break;
    case 'outbox':
      // openServices already asked the outbox to send what waits; wait until nothing is left.
      services.crm.retryNow();
      await services.crm.whenIdle();
      result = services.crm.status();
      break;
  }
  say(`progress ${String(progress.get())}`);
  say(`done ${JSON.stringify(result)}`);
} finally {
  clearInterval(ticker);
  await services.close();
}
