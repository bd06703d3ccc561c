// The crash campaign at bench size (issue 14): each scenario's child process SIGKILLed 25
// times at seeded random points and resumed, on bigger mailboxes than the test's.
// `npm run bench -- --only=chaos`; --quick runs the test's mailboxes.
import { runCampaign, type CampaignReport } from '../../test/support/chaos/campaign.ts';
import { BENCH_SIZES, ChaosRig, TEST_SIZES } from '../../test/support/chaos/scenarios.ts';

export const CHAOS_KILLS = 25;
const SEED = 0x14c4a05;

export interface ChaosFigures {
  killsPerScenario: number;
  scenarios: CampaignReport[];
}

export async function benchChaos(options: { quick: boolean }): Promise<ChaosFigures> {
  const rig = new ChaosRig(options.quick ? TEST_SIZES : BENCH_SIZES, { kills: CHAOS_KILLS });
  await rig.start();
  try {
    const scenarios: CampaignReport[] = [];
    for (const [index, scenario] of rig.scenarios().entries()) {
      scenarios.push(await runCampaign(scenario, { kills: CHAOS_KILLS, seed: SEED + index }));
    }
    return { killsPerScenario: CHAOS_KILLS, scenarios };
  } finally {
    await rig.stop();
  }
}

/** The campaign table, one row per scenario. */
export function chaosTable(figures: ChaosFigures): string {
  const header = ['scenario', 'kills', 'expected', 'lost', 'dup', 'wrong', 'crm dup', 'crm missing', 'integrity', 'fts', 'repeated', 's'];
  const rows = figures.scenarios.map((r) => [
    r.scenario, r.kills, r.expected, r.lost, r.duplicated, r.wrongState, r.crmDuplicated ?? '–', r.crmMissing ?? '–',
    r.integrity, r.fts, r.repeatedRequests ?? '–', r.seconds,
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`crash campaign, ${figures.killsPerScenario} SIGKILLs per scenario:`, line(header), ...rows.map(line)].join('\n');
}
