// The issues' goals for the benchmark figures and which of them a run met: reported next to
// each figure in bench-results/latest.json, never enforced (the machine is shared).
import type { GmailSyncFigures } from './gmail-sync.ts';
import type { ImportFigures } from './import.ts';
import type { SearchFigures } from './search.ts';
import type { UiFigures } from './ui.ts';
import { CRM_GOALS, crmGoalValues, type CrmResults } from './crm-report.ts';
import type { GraphSyncFigures } from './graph-sync.ts';
import type { ChaosFigures } from './chaos.ts';
import type { ImapSyncFigures } from './imap-sync.ts';
import { SCALE_GOALS, scaleGoalValues, type ScaleFigures } from './scale.ts';

/** The goals; `met` is reported next to each figure, never enforced. */
export const GOALS = {
  syncQuotaOffMessagesPerSecond: { min: 1000 },
  syncQuotaOnCeilingPercent: { min: 90 },
  syncQuotaOnRateLimited: { max: 0 },
  eventLoopDelayP99Ms: { max: 50 },
  importPeakRssMb: { max: 300 },
  searchP95Ms: { max: 20 },
  searchMaxMs: { max: 50 },
  inboxFirstRenderMs: { max: 300 },
  inboxScrollLongTasks: { max: 0 },
  threadOpenP95Ms: { max: 100 },
  logToCrmP95Ms: { max: 300 },
  graphSyncOffMessagesPerSecond: { min: 1000 },
  graphSyncOnCeilingPercent: { min: 90 },
  graphSyncOnFailedRequests: { max: 0 },
  ...CRM_GOALS,
  chaosLostOrDuplicated: { max: 0 },
  imapSyncRatioToMbsync: { min: 1.0 },
  imapIdleP95Ms: { max: 2000 },
  imapEventLoopDelayP99Ms: { max: 50 },
  ...SCALE_GOALS,
} as const;
export type GoalName = keyof typeof GOALS;

/** Each benchmark's figures, under its name in the JSON report. */
export interface Results extends CrmResults {
  syncQuotaOff?: GmailSyncFigures;
  syncQuotaOn?: GmailSyncFigures;
  import?: ImportFigures;
  search?: SearchFigures;
  search100k?: SearchFigures;
  ui?: UiFigures;
  graphSyncOff?: GraphSyncFigures;
  graphSyncOn?: GraphSyncFigures;
  chaos?: ChaosFigures;
  imap?: ImapSyncFigures;
  scale?: ScaleFigures;
}

/** Every goal a figure of `r` answers, with its value and whether it is met. */
export function goalsMet(r: Results): Partial<Record<GoalName, { value: number; met: boolean }>> {
  const values: Partial<Record<GoalName, number>> = {
    ...(r.syncQuotaOff ? { syncQuotaOffMessagesPerSecond: r.syncQuotaOff.messagesPerSecond, eventLoopDelayP99Ms: r.syncQuotaOff.eventLoopDelay.p99Ms } : {}),
    ...(r.syncQuotaOn ? { syncQuotaOnCeilingPercent: r.syncQuotaOn.quotaCeilingPercent ?? 0, syncQuotaOnRateLimited: r.syncQuotaOn.rateLimited } : {}),
    ...(r.import ? { importPeakRssMb: r.import.peakRssMb } : {}),
    ...(r.graphSyncOff ? { graphSyncOffMessagesPerSecond: r.graphSyncOff.messagesPerSecond } : {}),
    ...(r.graphSyncOn ? { graphSyncOnCeilingPercent: r.graphSyncOn.ceilingPercent ?? 0, graphSyncOnFailedRequests: r.graphSyncOn.failedRequests } : {}),
    // The goals are for a real mailbox's size: the 100,000-message run when there is one.
    ...(r.search100k ?? r.search ? { searchP95Ms: (r.search100k ?? r.search)!.p95Ms, searchMaxMs: (r.search100k ?? r.search)!.maxMs } : {}),
    ...crmGoalValues(r),
    ...(r.imap
      ? { imapIdleP95Ms: r.imap.idle.p95Ms, imapEventLoopDelayP99Ms: r.imap.eventLoopDelay.p99Ms, ...(r.imap.ratioToMbsync !== null ? { imapSyncRatioToMbsync: r.imap.ratioToMbsync } : {}) }
      : {}),
    ...scaleGoalValues(r.scale),
    ...(r.chaos ? { chaosLostOrDuplicated: r.chaos.scenarios.reduce((n, s) => n + s.lost + s.duplicated + s.wrongState + (s.crmDuplicated ?? 0) + (s.crmMissing ?? 0), 0) } : {}),
    ...(r.ui
      ? {
          inboxFirstRenderMs: r.ui.firstRenderMs.median,
          inboxScrollLongTasks: r.ui.scroll.longTasks,
          threadOpenP95Ms: r.ui.threadOpen.p95Ms,
          logToCrmP95Ms: r.ui.logToCrm.p95Ms,
        }
      : {}),
  };
  return Object.fromEntries(Object.entries(values).map(([name, value]) => {
    const goal: { min?: number; max?: number } = GOALS[name as GoalName];
    const met = (goal.min === undefined || value >= goal.min) && (goal.max === undefined || value <= goal.max);
    return [name, { value, met }];
  }));
}
