// How scripts/bench.ts names, sizes, prints and judges the CRM benchmarks (outbox flush and
// contact matching, one result per CRM), kept here so the runner stays one screen of wiring.
import { CRM_NAMES, type CrmKind } from '../../src-main/crm/types.ts';
import type { OutboxFigures } from './outbox.ts';
import type { MatchingFigures } from './crm-matching.ts';

/** Result names in bench-results/latest.json; HubSpot's outbox keeps its first name, `outbox`. */
export const OUTBOX_RESULT = { hubspot: 'outbox', salesforce: 'outboxSalesforce', pipedrive: 'outboxPipedrive' } as const;
export const MATCHING_RESULT = { hubspot: 'matchingHubspot', salesforce: 'matchingSalesforce', pipedrive: 'matchingPipedrive' } as const;

export type CrmResults = Partial<Record<(typeof OUTBOX_RESULT)[CrmKind], OutboxFigures> & Record<(typeof MATCHING_RESULT)[CrmKind], MatchingFigures>>;

/** The CRM goals (issue 12, speed), spread into bench.ts GOALS; HubSpot's outbox names are the first ones. */
export const CRM_GOALS = {
  outboxFlushLimitPercent: { min: 90 },
  outboxDuplicates: { max: 0 },
  outboxNotLogged: { max: 0 },
  outboxLogP95Ms: { max: 300 },
  outboxPipedriveFlushLimitPercent: { min: 90 },
  outboxPipedriveDuplicates: { max: 0 },
  outboxPipedriveNotLogged: { max: 0 },
  outboxPipedriveLogP95Ms: { max: 300 },
  // No burst limit: the goal is staying inside the allocation model, i.e. nothing refused for it.
  outboxSalesforceRateLimited: { max: 0 },
  outboxSalesforceDuplicates: { max: 0 },
  outboxSalesforceNotLogged: { max: 0 },
  outboxSalesforceLogP95Ms: { max: 300 },
  // |found − expected| plus expected contacts missing from the cache.
  matchingHubspotMismatch: { max: 0 },
  matchingSalesforceMismatch: { max: 0 },
  matchingPipedriveMismatch: { max: 0 },
} as const;
type CrmGoalName = keyof typeof CRM_GOALS;

/** The size for a matching pass. */
export const MATCHING_TARGET = 5_000;
/**
 * Addresses per matching pass, full run: the 5,000 for every CRM. (Pipedrive's connector
 * lists persons where that is cheaper; were it back to one search per address, 9 per 2 s, 5,000
 * would take ~20 minutes: run it smaller with --matching-addresses and its line projects to 5,000.)
 */
const MATCHING_ADDRESSES: Record<CrmKind, number> = { hubspot: MATCHING_TARGET, salesforce: MATCHING_TARGET, pipedrive: MATCHING_TARGET };
const QUICK_MATCHING_ADDRESSES = 500;

/**
 * Addresses per CRM for the matching benchmark: 500 each with --quick, else MATCHING_ADDRESSES;
 * `--matching-addresses=N` sets every CRM, `--matching-addresses=pipedrive:5000,hubspot:1000` some.
 */
export function matchingAddresses(argv: readonly string[], quick: boolean): Record<CrmKind, number> {
  const sizes: Record<CrmKind, number> = quick ? { hubspot: QUICK_MATCHING_ADDRESSES, salesforce: QUICK_MATCHING_ADDRESSES, pipedrive: QUICK_MATCHING_ADDRESSES } : { ...MATCHING_ADDRESSES };
  const flag = argv.find((a) => a.startsWith('--matching-addresses='))?.slice('--matching-addresses='.length);
  for (const entry of flag?.split(',') ?? []) {
    const [crm, n] = entry.includes(':') ? entry.split(':') : [null, entry];
    const count = Number(n);
    if (!Number.isInteger(count) || count <= 0) throw new Error(`--matching-addresses: not a count: ${entry}`);
    for (const kind of Object.keys(sizes) as CrmKind[]) if (crm === null || crm === kind) sizes[kind] = count;
  }
  return sizes;
}

const n = (value: number) => value.toLocaleString('en');

/** Each CRM's outbox goals by what they judge; Salesforce has no burst limit to reach. */
const OUTBOX_GOALS = {
  hubspot: { limit: 'outboxFlushLimitPercent', duplicates: 'outboxDuplicates', notLogged: 'outboxNotLogged', p95: 'outboxLogP95Ms' },
  pipedrive: { limit: 'outboxPipedriveFlushLimitPercent', duplicates: 'outboxPipedriveDuplicates', notLogged: 'outboxPipedriveNotLogged', p95: 'outboxPipedriveLogP95Ms' },
  salesforce: { limit: null, duplicates: 'outboxSalesforceDuplicates', notLogged: 'outboxSalesforceNotLogged', p95: 'outboxSalesforceLogP95Ms' },
} as const satisfies Record<CrmKind, { limit: CrmGoalName | null; duplicates: CrmGoalName; notLogged: CrmGoalName; p95: CrmGoalName }>;

export function outboxLine(f: OutboxFigures): string {
  const name = CRM_NAMES[f.crm];
  const goals = OUTBOX_GOALS[f.crm];
  const limit = f.burstLimit
    ? ` at ${f.burstLimit.requests} requests / ${f.burstLimit.windowSeconds} s: ${f.flushSeconds} s, ${f.requestsPerSecond} requests/s` +
      ` = ${f.limitPercent} % of the limit (goal ≥ ${goals.limit ? CRM_GOALS[goals.limit].min : '–'} %), ${f.emailsPerSecond} emails/s, ${f.rateLimited} × 429`
    : ` (no burst limit; a rolling 24-hour API allocation): ${f.flushSeconds} s, ${f.emailsPerSecond} emails/s, ${f.requestsPerSecond} requests/s,` +
      ` ${f.rateLimited} × REQUEST_LIMIT_EXCEEDED (goal ${CRM_GOALS.outboxSalesforceRateLimited.max})`;
  const budget = f.allocation
    ? `; ${f.allocation.callsPerEmail} API calls per email, ${n(f.allocation.calls)} calls = ${f.allocation.percent} % of a ${n(f.allocation.dailyApiRequests)}-call daily allocation`
    : f.tokens ? `; ${n(f.tokens.spent)} tokens (${f.tokens.perEmail} per email) = ${f.tokens.percent} % of the ${n(f.tokens.dailyBudget)}-token daily budget` : '';
  return `outbox flush of ${n(f.backlog)} queued logs to the ${name} emulator${limit}${budget};` +
    ` ${f.duplicates} duplicates (goal 0), ${f.notLogged} not logged (goal 0);` +
    ` service-level log latency, click to "logged" (${f.latency.samples} logs): p50 ${f.latency.p50Ms} ms, p95 ${f.latency.p95Ms} ms (goal ≤ ${CRM_GOALS[goals.p95].max} ms)`;
}

export function matchingLine(f: MatchingFigures): string {
  const name = CRM_NAMES[f.crm];
  const routes = Object.entries(f.byRoute).sort((a, b) => b[1] - a[1]).map(([route, count]) => `${route} ${n(count)}`).join(', ');
  const budget = f.allocation ? `; ${n(f.allocation.calls)} API calls = ${f.allocation.percent} % of a ${n(f.allocation.dailyApiRequests)}-call daily allocation`
    : f.tokens ? `; ${n(f.tokens.spent)} tokens = ${f.tokens.percent} % of the lowest plan's ${n(f.tokens.dailyBudget)}-token daily budget` : '';
  const oneCall = f.oneCall ? `; all ${n(f.addresses)} handed to the connector at once: ${n(f.oneCall.requests)} requests, ${f.oneCall.seconds} s, ${n(f.oneCall.found)} found` : '';
  const projected = f.projected
    ? `; MEASURED AT ${n(f.addresses)} ADDRESSES, NOT ${n(f.projected.addresses)}: the connector asks per address, so ${n(f.projected.addresses)}` +
      ` would take ~${n(f.projected.requests)} requests and ~${Math.round(f.projected.seconds / 60)} min`
    : '';
  return `contact matching in ${name}, ${n(f.addresses)} new correspondents (${n(f.expected)} of them contacts), the app's pass:` +
    ` ${f.connectorCalls} connector calls, ${n(f.requests)} requests (${routes}), ${f.seconds} s, ${f.rateLimited} × refused for a limit;` +
    ` found ${n(f.found)} of ${n(f.expected)} expected, ${n(f.cached)} cached${budget}${oneCall}${projected}`;
}

/** The CRM goals' values from whichever CRM results there are. */
export function crmGoalValues(r: CrmResults): Partial<Record<CrmGoalName, number>> {
  const values: Partial<Record<CrmGoalName, number>> = {};
  for (const crm of Object.keys(OUTBOX_GOALS) as CrmKind[]) {
    const f = r[OUTBOX_RESULT[crm]];
    if (!f) continue;
    const goals = OUTBOX_GOALS[crm];
    values[goals.duplicates] = f.duplicates;
    values[goals.notLogged] = f.notLogged;
    values[goals.p95] = f.latency.p95Ms;
    if (goals.limit) values[goals.limit] = f.limitPercent ?? 0;
  }
  if (r.outboxSalesforce) values.outboxSalesforceRateLimited = r.outboxSalesforce.rateLimited;
  const mismatch = (f: MatchingFigures) => Math.abs(f.found - f.expected) + (f.expected - f.cached);
  for (const crm of Object.keys(MATCHING_RESULT) as CrmKind[]) {
    const f = r[MATCHING_RESULT[crm]];
    if (f) values[`${MATCHING_RESULT[crm]}Mismatch`] = mismatch(f);
  }
  return values;
}
