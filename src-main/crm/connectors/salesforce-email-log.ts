// Logging an email to Salesforce and reading the logged emails back: the Composite calls
// behind SalesforceConnector.logEmail and listLoggedEmails. Enhanced Email is assumed on
// until the org refuses an EmailMessage; from then on the same connector writes Tasks.
// See salesforce-email.ts for the records' fields and where the idempotency key rides.
import { createLogger } from '../../platform/logger.ts';
import type { EmailActivity, LoggedEmail } from '../types.ts';
import { CrmError } from '../types.ts';
import {
  angleMessageId, emailMessageBody, emailTaskBody, readHeaderDate, readIdempotencyKey, relationTypeOf,
} from './salesforce-email.ts';
import { salesforceError, SalesforceRequestError } from './salesforce-errors.ts';
import type { CompositeSubresponse, SalesforceHttp } from './salesforce-http.ts';
import { inList, soqlString } from './salesforce-soql.ts';

const log = createLogger('crm.salesforce');

export const KEY_PREFIX = { contact: '003', lead: '00Q' } as const;
/** Records per sObject Collections create, and so people per logged email. */
export const MAX_RELATED_PEOPLE = 200;

/**
 * Error codes that say Enhanced Email is off: the org keeps EmailMessage for cases only
 * (ParentId required, RelatedToId unknown) or has no EmailMessage at all. Salesforce does not
 * document one code for this; these are the refusals such an org gives an EmailMessage insert.
 */
const ENHANCED_EMAIL_OFF = new Set(['INVALID_FIELD', 'INVALID_TYPE', 'NOT_FOUND', 'REQUIRED_FIELD_MISSING', 'FIELD_INTEGRITY_EXCEPTION']);

/** What the connector knows about the org between calls. */
export interface EmailLogState {
  /** Enhanced Email on (true), off (false), not known yet (undefined). */
  enhancedEmail: boolean | undefined;
  /** Person id → lower-cased email, from lookups. */
  readonly emails: Map<string, string>;
  readonly requestLimitRetryMs: number;
}

/** "2001-05-14" (a Salesforce date) or a datetime → ms since the epoch; null when empty or unreadable. */
export function dateMs(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : null;
}

export function byIdDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

function firstCode(body: unknown): string | undefined {
  const item = Array.isArray(body) ? body[0] : undefined;
  return (item as { errorCode?: string } | undefined)?.errorCode;
}

/** The failure of an allOrNone Composite: the subrequest that failed, not the ones halted because of it. */
export function compositeFailure(answers: CompositeSubresponse[], requestLimitRetryMs: number): CrmError | null {
  const failed = answers.find((a) => a.httpStatusCode >= 400 && firstCode(a.body) !== 'PROCESSING_HALTED') ?? answers.find((a) => a.httpStatusCode >= 400);
  return failed ? salesforceError(failed.httpStatusCode, failed.body, requestLimitRetryMs) : null;
}

/**
 * Logs `activity` for `people` (Contact and Lead ids):
 * 1. one Composite call that looks for an EmailMessage (and, with Enhanced Email known off, an
 *    email Task) carrying this idempotency key, found by MessageIdentifier = the Message-ID,
 *    and reads the addresses of people not known yet; a match is returned as is;
 * 2. one Composite call (allOrNone) creating the EmailMessage and its EmailMessageRelation
 *    rows through sObject Collections. When the org refuses the EmailMessage as Enhanced Email
 *    being off, the Tasks are looked for by key once more and, if absent, a Task per person
 *    is created in one Composite call.
 * Resolves to the EmailMessage id (or the first Task's).
 */
export async function logEmailTo(http: SalesforceHttp, state: EmailLogState, activity: EmailActivity, people: string[], relatedToId: string | null): Promise<string> {
  const existing = await preflight(http, state, activity, people, state.enhancedEmail === false);
  if (existing) {
    log.info('email already logged; not sent again', { crmActivityId: existing });
    return existing;
  }
  if (state.enhancedEmail !== false) {
    const created = await createEmailMessage(http, state, activity, people, relatedToId);
    if (created) return created;
    // Just learnt that Enhanced Email is off: an earlier attempt may have written Tasks.
    const task = await findTask(http, activity, people);
    if (task) return task;
  }
  return createTasks(http, state, activity, people, relatedToId);
}

async function preflight(http: SalesforceHttp, state: EmailLogState, activity: EmailActivity, people: string[], taskCheck: boolean): Promise<string | null> {
  const statements: string[] = [];
  const mid = angleMessageId(activity.messageIdHeader);
  if (mid) statements.push(`SELECT Id, Headers FROM EmailMessage WHERE MessageIdentifier IN (${soqlString(mid)}, ${soqlString(mid.slice(1, -1))})`);
  if (taskCheck) statements.push(taskStatement(people));
  const unknown = people.filter((id) => !state.emails.has(id));
  const unknownContacts = unknown.filter((id) => id.startsWith(KEY_PREFIX.contact));
  const unknownLeads = unknown.filter((id) => id.startsWith(KEY_PREFIX.lead));
  if (unknownContacts.length) statements.push(`SELECT Id, Email FROM Contact WHERE Id IN ${inList(unknownContacts)}`);
  if (unknownLeads.length) statements.push(`SELECT Id, Email FROM Lead WHERE Id IN ${inList(unknownLeads)}`);
  if (!statements.length) return null;
  // An org without EmailMessage at all answers INVALID_TYPE: then nothing was logged there.
  const results = await http.queries<{ Id: string; Headers?: string | null; Description?: string | null; Email?: string | null }>(statements, ['INVALID_TYPE']);
  let i = 0;
  const emailRows = mid ? results[i++]! : [];
  const taskRows = taskCheck ? results[i++]! : [];
  for (const rows of results.slice(i)) for (const row of rows) if (row.Email) state.emails.set(row.Id, row.Email.toLowerCase());
  const key = activity.idempotencyKey;
  return emailRows.find((r) => readIdempotencyKey(r.Headers) === key)?.Id
    ?? taskRows.find((r) => readIdempotencyKey(r.Description) === key)?.Id
    ?? null;
}

/** Email Tasks of the people, newest first (Description is a long text area: read, not filtered). */
function taskStatement(people: string[]): string {
  return `SELECT Id, Description FROM Task WHERE TaskSubtype = 'Email' AND WhoId IN ${inList(people)} ORDER BY CreatedDate DESC LIMIT 200`;
}

async function findTask(http: SalesforceHttp, activity: EmailActivity, people: string[]): Promise<string | null> {
  const rows = await http.query<{ Id: string; Description: string | null }>(taskStatement(people));
  return rows.find((r) => readIdempotencyKey(r.Description) === activity.idempotencyKey)?.Id ?? null;
}

/** The EmailMessage and its relations in one allOrNone Composite call; null when Enhanced Email turns out to be off. */
async function createEmailMessage(http: SalesforceHttp, state: EmailLogState, activity: EmailActivity, people: string[], relatedToId: string | null): Promise<string | null> {
  const addresses = new Set(people.map((id) => state.emails.get(id)).filter((a): a is string => Boolean(a)));
  const relations = people.map((id) => {
    const address = state.emails.get(id) ?? null;
    // A person not on the message (logged to them anyway) is related as a recipient.
    const relationType = relationTypeOf(activity, address) ?? 'ToAddress';
    return { attributes: { type: 'EmailMessageRelation' }, EmailMessageId: '@{email.id}', RelationId: id, RelationType: relationType, ...(address ? { RelationAddress: address } : {}) };
  });
  const answers = await http.composite([
    { method: 'POST', path: '/sobjects/EmailMessage', referenceId: 'email', body: emailMessageBody(activity, relatedToId, addresses) },
    { method: 'POST', path: '/composite/sobjects', referenceId: 'relations', body: { allOrNone: true, records: relations } },
  ], { allOrNone: true });
  const [email, rels] = answers as [CompositeSubresponse, CompositeSubresponse];
  if (email.httpStatusCode >= 400) {
    const error = salesforceError(email.httpStatusCode, email.body, state.requestLimitRetryMs);
    if (error instanceof SalesforceRequestError && state.enhancedEmail === undefined && ENHANCED_EMAIL_OFF.has(error.errorCode)
      && (error.errorCode !== 'REQUIRED_FIELD_MISSING' || error.fields.includes('ParentId'))
      && (error.errorCode !== 'INVALID_FIELD' || /RelatedToId|EmailMessage/.test(error.message))) {
      log.info('EmailMessage refused: Enhanced Email is off; logging as a Task', { errorCode: error.errorCode });
      state.enhancedEmail = false;
      return null;
    }
    throw error;
  }
  if (rels.httpStatusCode >= 400) throw salesforceError(rels.httpStatusCode, rels.body, state.requestLimitRetryMs);
  const failed = (rels.body as Array<{ success: boolean; errors?: Array<{ statusCode?: string; message?: string; fields?: string[] }> }>).find((r) => !r.success);
  if (failed) throw salesforceError(400, failed.errors ?? [], state.requestLimitRetryMs);
  state.enhancedEmail = true;
  const id = (email.body as { id?: string }).id;
  if (!id) throw new CrmError('Salesforce answered the EmailMessage creation without an id', { retryable: false });
  return id;
}

/** A Task per person in one allOrNone Composite call (a lead's without WhatId); resolves to the first Task's id. */
async function createTasks(http: SalesforceHttp, state: EmailLogState, activity: EmailActivity, people: string[], whatId: string | null): Promise<string> {
  const answers = await http.composite(
    people.map((id, i) => ({ method: 'POST' as const, path: '/sobjects/Task', referenceId: `task${i}`, body: emailTaskBody(activity, id, whatId) })),
    { allOrNone: true },
  );
  const failure = compositeFailure(answers, state.requestLimitRetryMs);
  if (failure) throw failure;
  const id = (answers[0]!.body as { id?: string }).id;
  if (!id) throw new CrmError('Salesforce answered the Task creation without an id', { retryable: false });
  return id;
}

interface EmailMessageRow {
  Id: string;
  Subject: string | null;
  MessageDate: string | null;
  Headers: string | null;
  ActivityId: string | null;
}

interface TaskRow {
  Id: string;
  Subject: string | null;
  ActivityDate: string | null;
  Description: string | null;
  CreatedDate: string | null;
}

/**
 * One Composite call with two queries: EmailMessages related to the person
 * (Id IN (SELECT EmailMessageId FROM EmailMessageRelation WHERE RelationId = …)) and email
 * Tasks with WhoId = the person, leaving out the Task Enhanced Email makes for each
 * EmailMessage (its ActivityId). Keys read from Headers / Description. Newest first.
 */
export async function listLoggedEmailsOf(http: SalesforceHttp, crmContactId: string): Promise<LoggedEmail[]> {
  const id = soqlString(crmContactId);
  const [emails, tasks] = await http.queries<unknown>([
    `SELECT Id, Subject, MessageDate, Headers, ActivityId FROM EmailMessage WHERE Id IN (SELECT EmailMessageId FROM EmailMessageRelation WHERE RelationId = ${id}) ORDER BY MessageDate DESC`,
    `SELECT Id, Subject, ActivityDate, Description, CreatedDate FROM Task WHERE WhoId = ${id} AND TaskSubtype = 'Email' ORDER BY CreatedDate DESC`,
  ], ['INVALID_TYPE']) as [EmailMessageRow[], TaskRow[]];
  const shadowTasks = new Set(emails.map((e) => e.ActivityId).filter(Boolean));
  const logged: LoggedEmail[] = [
    ...emails.map((e) => ({
      crmActivityId: e.Id,
      timestamp: dateMs(e.MessageDate) ?? readHeaderDate(e.Headers) ?? 0,
      subject: e.Subject ?? '',
      idempotencyKey: readIdempotencyKey(e.Headers),
    })),
    ...tasks.filter((t) => !shadowTasks.has(t.Id)).map((t) => ({
      crmActivityId: t.Id,
      timestamp: readHeaderDate(t.Description) ?? dateMs(t.ActivityDate) ?? dateMs(t.CreatedDate) ?? 0,
      subject: (t.Subject ?? '').replace(/^Email: /, ''),
      idempotencyKey: readIdempotencyKey(t.Description),
    })),
  ];
  return logged.sort((a, b) => b.timestamp - a.timestamp || byIdDesc(a.crmActivityId, b.crmActivityId));
}
