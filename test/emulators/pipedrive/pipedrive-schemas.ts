// JSON Schemas of the Pipedrive answers the emulator sends, written by hand from Pipedrive's
// OpenAPI descriptions (not copied: read in their unmodified mirror, github.com/juhokoskela/pipedrive-go)
// and closed to unknown keys, so the emulator cannot drift into shapes the real API never sends.
// Each names its source, `v1` = openapi/upstream/v1.yaml, `v2` = openapi/upstream/v2.yaml:
//   person:          v2 GET /persons/{id} 200 (GetPersonResponse data); also GET /persons items, POST /persons
//   personSearch:    v2 GET /persons/search 200 (GetPersonSearchResponse)
//   organization:    v2 GET /organizations 200 items; organizationSearch: v2 GET /organizations/search 200
//   deal:            v2 GET /deals 200 items;  stage: v2 GET /stages 200 items;  personField: v2 GET /personFields 200 items
//   note:            v1 POST /notes 200 data and GET /notes 200 items (additional_data.pagination)
//   user, me:        v1 GET /users 200 items, GET /users/me 200 data;  unauthorized: v1 GET /users/me 401
//   error:           v1/v2 4xx/5xx bodies (e.g. v1 CallLogBadRequestResponse, v2 GetConvertResponse 404)
//   rateLimit:       pipedrive.readme.io/docs/core-api-concepts-rate-limiting (429 body)
// Deviations, each on purpose: `next_cursor` may be null ("will be null if you have reached the
// end", v2 paging descriptions); v2 times carry format date-time (the descriptions say RFC 3339).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';

const int = { type: 'integer' };
const str = { type: 'string' };
const bool = { type: 'boolean' };
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const dateTime = { type: 'string', format: 'date-time' };
const v1Time = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' };
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, required, properties });
const list = (items: object) => ({ type: 'array', items });

const valueItem = closed({ value: str, primary: bool, label: str });
const address = closed({
  value: str, country: str, admin_area_level_1: str, admin_area_level_2: str, locality: str, sublocality: str,
  route: str, street_number: str, subpremise: str, postal_code: str,
});

const person = closed({
  id: int, name: str, first_name: str, last_name: str, owner_id: int, org_id: int, add_time: dateTime, update_time: dateTime,
  emails: list(valueItem), phones: list(valueItem), is_deleted: bool, visible_to: int, label_ids: list(int), picture_id: int,
  postal_address: address, notes: str, im: list(valueItem), birthday: str, job_title: str, custom_fields: { type: 'object' },
}, ['id', 'name']);

const organization = closed({
  id: int, name: str, owner_id: int, add_time: dateTime, update_time: dateTime, is_deleted: bool, visible_to: int, address,
  label_ids: list(int), website: nullable(str), linkedin: nullable(str), industry: nullable(int), annual_revenue: nullable(int),
  employee_count: nullable(int), custom_fields: { type: 'object' },
}, ['id', 'name']);

const deal = closed({
  id: int, title: str, owner_id: int, person_id: int, org_id: int, pipeline_id: int, stage_id: int, value: { type: 'number' },
  currency: str, add_time: dateTime, update_time: dateTime, stage_change_time: dateTime, is_deleted: bool, is_archived: bool,
  status: { enum: ['open', 'won', 'lost', 'deleted'] }, probability: nullable({ type: 'number' }), lost_reason: nullable(str),
  visible_to: int, close_time: nullable(str), won_time: str, lost_time: str, expected_close_date: { type: 'string', format: 'date' },
  label_ids: list(int), origin: str, origin_id: nullable(str), channel: nullable(int), channel_id: nullable(str),
  source_lead_id: nullable({ type: 'string', format: 'uuid' }), arr: nullable({ type: 'number' }), mrr: nullable({ type: 'number' }),
  acv: nullable({ type: 'number' }), custom_fields: { type: 'object' },
}, ['id', 'title', 'status']);

const stage = closed({
  id: int, order_nr: int, name: str, is_deleted: bool, deal_probability: int, pipeline_id: int, is_deal_rot_enabled: bool,
  days_to_rotten: nullable(int), add_time: str, update_time: str,
}, ['id', 'name']);

const personField = closed({
  field_name: str, field_code: str,
  field_type: { enum: ['int', 'double', 'boolean', 'varchar', 'text', 'phone', 'varchar_options', 'varchar_auto', 'date', 'daterange', 'time', 'timerange', 'enum', 'set', 'address', 'monetary', 'deal', 'deals', 'lead', 'org', 'people', 'project', 'stage', 'user', 'activity', 'json', 'picture', 'status', 'visible_to', 'price_list', 'billing_frequency', 'projects_board', 'projects_phase'] },
  options: nullable(list(closed({ id: { anyOf: [int, str] }, label: str, color: nullable(str), update_time: nullable(dateTime), add_time: nullable(dateTime) }))),
  subfields: nullable(list(closed({ field_code: str, field_name: str, field_type: str }))),
  is_custom_field: bool, is_optional_response_field: bool,
  ui_visibility: { type: 'object' }, important_fields: { type: 'object' }, required_fields: { type: 'object' },
}, ['field_name', 'field_code', 'field_type', 'is_custom_field', 'is_optional_response_field']);

const note = closed({
  id: int, active_flag: bool, add_time: v1Time, content: str, deal: closed({ title: str }), lead_id: { type: 'string', format: 'uuid' },
  deal_id: int, last_update_user_id: int, org_id: int, organization: closed({ name: str }), person: closed({ name: str }), person_id: int,
  project_id: int, project: closed({ title: str }), task_id: int, task: closed({ title: str }), pinned_to_deal_flag: bool,
  pinned_to_organization_flag: bool, pinned_to_person_flag: bool, pinned_to_project_flag: bool, pinned_to_task_flag: bool,
  update_time: v1Time, user: closed({ email: str, icon_url: str, is_you: bool, name: str }), user_id: int,
}, ['id', 'content', 'add_time']);

const userProperties = {
  id: int, name: str, default_currency: str, locale: str, lang: int, email: str, phone: nullable(str), activated: bool,
  last_login: str, created: str, modified: nullable(str), has_created_company: bool,
  access: list(closed({ app: { enum: ['global', 'sales', 'campaigns', 'projects', 'account_settings', 'partnership', 'nova'] }, admin: bool, permission_set_id: str })),
  active_flag: bool, timezone_name: str, timezone_offset: str, role_id: int, icon_url: nullable(str), is_you: bool, is_deleted: bool,
};
const user = closed(userProperties, ['id', 'name', 'email']);
const me = closed({
  ...userProperties, company_id: int, company_name: str, company_domain: str, company_country: str, company_industry: str,
  language: closed({ language_code: str, country_code: str }),
}, ['id', 'company_id', 'company_domain']);

const ok = { const: true };
const cursor = closed({ next_cursor: nullable(str) });
const v2One = (data: object) => closed({ success: ok, data }, ['success', 'data']);
const v2List = (items: object) => closed({ success: ok, data: list(items), additional_data: cursor }, ['success', 'data']);
const searchResult = (item: object) => closed({ success: ok, data: closed({ items: list(closed({ result_score: { type: 'number' }, item }, ['item'])) }, ['items']), additional_data: cursor }, ['success', 'data']);

export const PIPEDRIVE_SCHEMAS = {
  personResponse: v2One(person),
  personList: v2List(person),
  personSearch: searchResult(closed({
    id: int, type: { const: 'person' }, name: str, phones: list(str), emails: list(str), visible_to: int, owner: closed({ id: int }),
    organization: closed({ id: int, name: str }), custom_fields: list(str), notes: list(str),
  }, ['id', 'type'])),
  organizationResponse: v2One(organization),
  organizationList: v2List(organization),
  organizationSearch: searchResult(closed({
    id: int, type: { const: 'organization' }, name: str, address: str, visible_to: int, owner: closed({ id: int }), custom_fields: list(str), notes: list(str),
  }, ['id', 'type'])),
  dealList: v2List(deal),
  stageList: v2List(stage),
  personFieldList: v2List(personField),
  noteResponse: closed({ success: ok, data: note }, ['success', 'data']),
  noteList: closed({
    success: ok,
    data: list(note),
    additional_data: closed({ pagination: closed({ start: int, limit: int, more_items_in_collection: bool, next_start: int }) }),
  }, ['success', 'data']),
  userList: closed({ success: ok, data: list(user) }, ['success', 'data']),
  userResponse: closed({ success: ok, data: user }, ['success', 'data']),
  meResponse: closed({ success: ok, data: me }, ['success', 'data']),
  unauthorized: closed({ success: { const: false }, error: str, errorCode: { const: 401 } }, ['success', 'error', 'errorCode']),
  error: closed({ success: { const: false }, error: { type: 'string', minLength: 1 }, error_info: str, data: { type: 'null' }, additional_data: { type: 'null' } }, ['success', 'error']),
  rateLimit: closed({ success: { const: false }, error: { const: 'Request over limit' } }, ['success', 'error']),
} as const;

export type PipedriveSchemaName = keyof typeof PIPEDRIVE_SCHEMAS;

/** Compiled validators; `validate(name, value)` returns Ajv's error text, or null when valid. */
export function pipedriveValidator(): (name: PipedriveSchemaName, value: unknown) => string | null {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // ajv-formats is CommonJS: Node's default import is module.exports (the plugin itself).
  const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as
    (instance: Ajv2020, formats: string[]) => void;
  addFormats(ajv, ['date-time', 'date', 'uuid']);
  const compiled = new Map<PipedriveSchemaName, ValidateFunction>();
  return (name, value) => {
    let validate = compiled.get(name);
    if (!validate) compiled.set(name, (validate = ajv.compile(PIPEDRIVE_SCHEMAS[name] as object)));
    return validate(value) ? null : ajv.errorsText(validate.errors);
  };
}
