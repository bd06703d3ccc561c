// Deals and stages (API v2), notes and users (API v1). Sources, in github.com/juhokoskela/pipedrive-go:
// openapi/upstream/v2.yaml paths /deals, /stages; openapi/upstream/v1.yaml paths /notes,
// /notes/{id}, /users, /users/{id}, /users/me.
import { badRequest, notFound } from './pipedrive-errors.ts';
import { dealBody, meBody, noteBody, stageBody, STAGES, userBody, type PipedriveStore, type StoredDeal } from './pipedrive-store.ts';
import { cursorPage, intParam, optionalInt, optionalString, requireBody, startPage } from './request-input.ts';
import { sanitizeNoteHtml } from './sanitize.ts';
import type { ApiResult } from './api.ts';

const DEAL_STATUSES = ['open', 'won', 'lost', 'deleted'];

/** GET /deals: person_id, org_id, owner_id, stage_id, status (comma-separated), sort_by id|update_time|add_time, sort_direction. */
export function listDeals(store: PipedriveStore, query: URLSearchParams): ApiResult {
  const personId = intParam(query, 'person_id');
  const orgId = intParam(query, 'org_id');
  const ownerId = intParam(query, 'owner_id');
  const stageId = intParam(query, 'stage_id');
  const statuses = query.get('status')?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
  if (statuses?.some((s) => !DEAL_STATUSES.includes(s))) throw badRequest('Invalid parameter status');
  const sortBy = query.get('sort_by') ?? 'id';
  const direction = query.get('sort_direction') ?? 'asc';
  if (!['id', 'update_time', 'add_time'].includes(sortBy)) throw badRequest('Invalid parameter sort_by');
  if (!['asc', 'desc'].includes(direction)) throw badRequest('Invalid parameter sort_direction');
  const key = (d: StoredDeal) => (sortBy === 'id' ? d.id : sortBy === 'add_time' ? d.addTime.getTime() : d.updateTime.getTime());
  const all = [...store.deals.values()]
    .filter((d) => (personId === null || d.personId === personId) && (orgId === null || d.orgId === orgId)
      && (ownerId === null || d.ownerId === ownerId) && (stageId === null || d.stageId === stageId)
      && (statuses ? statuses.includes(d.status) : true))
    .sort((a, b) => (key(a) - key(b) || a.id - b.id) * (direction === 'desc' ? -1 : 1));
  const { page, additional_data } = cursorPage(all, query);
  return { status: 200, body: { success: true, data: page.map(dealBody), additional_data } };
}

export function listStages(query: URLSearchParams): ApiResult {
  const pipelineId = intParam(query, 'pipeline_id');
  const all = STAGES.map((s, i) => stageBody(s, i + 1)).filter((s) => pipelineId === null || s.pipeline_id === pipelineId);
  const { page, additional_data } = cursorPage(all, query);
  return { status: 200, body: { success: true, data: page, additional_data } };
}

const NOTE_INPUT = ['content', 'lead_id', 'deal_id', 'person_id', 'org_id', 'project_id', 'task_id', 'user_id', 'add_time',
  'pinned_to_lead_flag', 'pinned_to_deal_flag', 'pinned_to_organization_flag', 'pinned_to_person_flag', 'pinned_to_project_flag', 'pinned_to_task_flag'];

/**
 * POST /notes: `content` required (HTML, sanitised: sanitize.ts), linked to at least one of
 * deal, person, organization (leads, projects and tasks are not emulated); add_time optional,
 * "YYYY-MM-DD HH:MM:SS" in UTC, past or future. Ids that do not exist answer 400.
 */
export function createNote(store: PipedriveStore, input: unknown): ApiResult {
  const body = requireBody(input, NOTE_INPUT);
  const content = optionalString(body, 'content');
  if (!content?.trim()) throw badRequest('Content must be given');
  if (body.lead_id !== undefined || body.project_id !== undefined || body.task_id !== undefined) throw badRequest('Leads, projects and tasks are not emulated');
  const personId = optionalInt(body, 'person_id');
  const orgId = optionalInt(body, 'org_id');
  const dealId = optionalInt(body, 'deal_id');
  if (personId === null && orgId === null && dealId === null) throw badRequest('Note must be attached to a deal, person, organization, lead, project or task');
  if (personId !== null && !store.persons.has(personId)) throw badRequest(`Person with id ${personId} was not found`);
  if (orgId !== null && !store.organizations.has(orgId)) throw badRequest(`Organization with id ${orgId} was not found`);
  if (dealId !== null && !store.deals.has(dealId)) throw badRequest(`Deal with id ${dealId} was not found`);
  const userId = optionalInt(body, 'user_id') ?? store.meId;
  if (!store.users.has(userId)) throw badRequest(`User with id ${userId} was not found`);
  const addTimeText = optionalString(body, 'add_time');
  if (addTimeText !== null && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(addTimeText)) throw badRequest('Invalid field add_time: expected YYYY-MM-DD HH:MM:SS');
  const addTime = addTimeText ? new Date(`${addTimeText.replace(' ', 'T')}Z`) : new Date();
  if (Number.isNaN(addTime.getTime())) throw badRequest('Invalid field add_time');
  const note = store.addNote({ content: sanitizeNoteHtml(content), personId, orgId, dealId, userId, addTime });
  return { status: 200, body: { success: true, data: noteBody(store, note) } };
}

const NOTE_SORT_FIELDS = ['id', 'user_id', 'deal_id', 'person_id', 'org_id', 'content', 'add_time', 'update_time'];

/** GET /notes: person_id, org_id, deal_id, user_id; sort "field ASC|DESC, …"; start/limit paging. */
export function listNotes(store: PipedriveStore, query: URLSearchParams): ApiResult {
  const filters = { personId: intParam(query, 'person_id'), orgId: intParam(query, 'org_id'), dealId: intParam(query, 'deal_id'), userId: intParam(query, 'user_id') };
  const sort = (query.get('sort') ?? 'id ASC').split(',').map((part) => {
    const [field, dir = 'ASC'] = part.trim().split(/\s+/);
    if (!field || !NOTE_SORT_FIELDS.includes(field) || !['ASC', 'DESC'].includes(dir.toUpperCase())) throw badRequest(`Invalid parameter sort: ${part.trim()}`);
    return { field, sign: dir.toUpperCase() === 'DESC' ? -1 : 1 };
  });
  const value = (n: ReturnType<typeof noteBody>, field: string) => n[field] as string | number | undefined;
  const all = [...store.notes.values()]
    .filter((n) => Object.entries(filters).every(([k, v]) => v === null || n[k as keyof typeof filters] === v))
    .map((n) => noteBody(store, n))
    .sort((a, b) => {
      for (const { field, sign } of sort) {
        const x = value(a, field) ?? '';
        const y = value(b, field) ?? '';
        if (x < y) return -sign;
        if (x > y) return sign;
      }
      return 0;
    });
  const { page, pagination } = startPage(all, query);
  return { status: 200, body: { success: true, data: page, additional_data: { pagination } } };
}

export function getNote(store: PipedriveStore, id: string): ApiResult {
  const note = store.notes.get(Number(id));
  if (!note) throw notFound('Note not found');
  return { status: 200, body: { success: true, data: noteBody(store, note) } };
}

export function listUsers(store: PipedriveStore): ApiResult {
  return { status: 200, body: { success: true, data: [...store.users.values()].map((u) => userBody(store, u)) } };
}

export function getUser(store: PipedriveStore, id: string): ApiResult {
  const user = store.users.get(Number(id));
  if (!user) throw notFound('User not found');
  return { status: 200, body: { success: true, data: userBody(store, user) } };
}

export function getMe(store: PipedriveStore): ApiResult {
  return { status: 200, body: { success: true, data: meBody(store) } };
}
