// Contract test: the Salesforce emulator answers the requests of Salesforce's own Postman
// collection (../shared/data/specs/salesforce: forcedotcom/postman-salesforce-apis, CC0) at
// their paths and methods, with the answer shapes of the REST API Developer Guide
// (salesforce-schemas.ts, closed to unknown keys), the documented limits and error codes, and
// the Object Reference's rules for the fields the connector writes and filters on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SalesforceEmulator, SALESFORCE_TEST_TOKEN, MAX_URI_AND_HEADER_BYTES } from '../emulators/salesforce/salesforce-emulator.ts';
import { salesforceValidator, type SalesforceSchemaName } from '../emulators/salesforce/salesforce-schemas.ts';
import { SOBJECTS, RELATION_TYPES } from '../emulators/salesforce/sobject-schema.ts';
import { to18 } from '../emulators/salesforce/salesforce-ids.ts';

const COLLECTION = join(import.meta.dirname, '../../../shared/data/specs/salesforce/postman-salesforce-apis-src/src/collections/salesforce_apis');
const VERSION = '62.0';
const validate = salesforceValidator();

interface PostmanRequest {
  name: string;
  method: string;
  url: string;
  rawModeData?: string | null;
  responses?: Array<{ name: string; requestObject?: { url?: string; rawModeData?: string } }>;
}

function postman(file: string): PostmanRequest {
  return JSON.parse(readFileSync(join(COLLECTION, file), 'utf8')) as PostmanRequest;
}

/** The request's URL with the collection's variables filled in ({{_endpoint}}, v{{version}}) and placeholders replaced. */
function fill(url: string, endpoint: string, placeholders: Record<string, string> = {}): string {
  let out = url.replace('{{_endpoint}}', endpoint).replace('{{url}}', endpoint).replace('{{version}}', VERSION);
  for (const [k, v] of Object.entries(placeholders)) out = out.replace(k, v);
  return out;
}

function assertShape(name: SalesforceSchemaName, value: unknown): void {
  const problem = validate(name, value);
  assert.equal(problem, null, `${name}: ${problem}\n${JSON.stringify(value, null, 2).slice(0, 2000)}`);
}

describe('Salesforce emulator answers vs the Postman collection and the REST API Developer Guide', () => {
  const emulator = new SalesforceEmulator();
  let endpoint: string;
  let accountId: string;
  let contactId: string;

  async function call(method: string, url: string, body?: unknown, token = SALESFORCE_TEST_TOKEN): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await fetch(url.startsWith('http') ? url : endpoint + url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (414 / 431 answers)
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  before(async () => {
    ({ url: endpoint } = await emulator.start());
    accountId = emulator.add('Account', { Name: 'Pacific Gas & Electric', Website: 'pge.com' });
    contactId = emulator.add('Contact', { FirstName: 'Pat', LastName: "O'Neil", Email: "pat.o'neil@pge.com", AccountId: accountId, Title: 'Counsel' });
  });

  after(() => emulator.stop());

  test('the validators reject what Salesforce would never send', () => {
    assert.notEqual(validate('saveResult', { id: '001', success: true, errors: [] }), null);
    assert.notEqual(validate('queryResult', { totalSize: 1, done: false, records: [] }), null, 'done=false needs nextRecordsUrl');
    assert.notEqual(validate('errors', [{ message: 'x', error: 'X' }]), null);
    assert.notEqual(validate('compositeResponse', { compositeResponse: [{ body: {}, httpStatusCode: 201, referenceId: 'a' }] }), null);
    assert.notEqual(validate('collectionSaveResults', [{ success: false, errors: [] }]), null);
  });

  test('Postman "Query" (GET /query/?q=SELECT+name+from+Account): a QueryResult with typed records', async () => {
    const request = postman('rest/query.json');
    assert.equal(request.method, 'GET');
    const r = await call('GET', fill(request.url, endpoint));
    assert.equal(r.status, 200);
    assertShape('queryResult', r.body);
    const body = r.body as { records: Array<Record<string, unknown>> };
    assert.deepEqual(body.records.map((x) => x.Name), ['Pacific Gas & Electric'], 'field names come back as the describe spells them');
    assert.match(r.headers.get('sforce-limit-info') ?? '', /^api-usage=\d+\/\d+$/, 'headers_api_usage.htm: every answer reports usage');
  });

  test('query pages: done=false carries nextRecordsUrl, which returns the rest; parent fields nest as records', async () => {
    emulator.settings.queryPageSize = 1;
    try {
      emulator.add('Contact', { LastName: 'Second', Email: 'second@pge.com', AccountId: accountId });
      const first = await call('GET', `/services/data/v${VERSION}/query?q=${encodeURIComponent('SELECT Id, Email, Account.Name, Owner.Name FROM Contact ORDER BY Email')}`);
      assertShape('queryResult', first.body);
      const page = first.body as { done: boolean; nextRecordsUrl: string; records: Array<{ Account: { Name: string; attributes: { type: string } } }> };
      assert.equal(page.done, false);
      assert.equal(page.records[0]!.Account.attributes.type, 'Account');
      assert.equal(page.records[0]!.Account.Name, 'Pacific Gas & Electric');
      const rest = await call('GET', page.nextRecordsUrl);
      assertShape('queryResult', rest.body);
      assert.equal((rest.body as { done: boolean }).done, true);
    } finally {
      emulator.settings.queryPageSize = 2000;
    }
  });

  test("Postman \"SObject Create\" and its saved example (Lead without Company): REQUIRED_FIELD_MISSING, then a SaveResult", async () => {
    const request = postman('rest/sobject_create.json');
    const example = request.responses!.find((x) => x.name === 'REST Create Lead')!.requestObject!;
    assert.equal(request.method, 'POST');
    const url = fill(example.url!, endpoint);
    const refused = await call('POST', url, example.rawModeData!);
    assert.equal(refused.status, 400);
    assertShape('errors', refused.body);
    assert.deepEqual(refused.body, [{ message: 'Required fields are missing: [Company]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Company'] }]);
    const created = await call('POST', url, { ...JSON.parse(example.rawModeData!), Company: 'API Inc' });
    assert.equal(created.status, 201);
    assertShape('saveResult', created.body);
    assert.equal(created.headers.get('location'), `/services/data/v${VERSION}/sobjects/Lead/${(created.body as { id: string }).id}`);
  });

  test('Postman "SObject Rows" (GET /sobjects/<type>/<id>): the record; an unknown id 404 NOT_FOUND', async () => {
    const request = postman('rest/sobject_rows.json');
    const r = await call(request.method, fill(request.url, endpoint, { '<SOBJECT_API_NAME>': 'Contact', '<RECORD_ID>': contactId }) + '?fields=Email,AccountId');
    assert.equal(r.status, 200);
    assertShape('queryResult', { totalSize: 1, done: true, records: [r.body] });
    assert.deepEqual(Object.keys(r.body as object), ['attributes', 'Email', 'AccountId']);
    const missing = await call('GET', fill(request.url, endpoint, { '<SOBJECT_API_NAME>': 'Contact', '<RECORD_ID>': to18('003000000000001')! }));
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
  });

  test('Postman "Composite" body {allOrNone, collateSubrequests, compositeRequest}: references, one API call, rollback', async () => {
    const request = postman('composite/composite.json');
    assert.deepEqual(Object.keys(JSON.parse(request.rawModeData!)), ['allOrNone', 'collateSubrequests', 'compositeRequest']);
    const url = fill(request.url, endpoint);
    const usage = emulator.apiUsage().used;
    const ok = await call('POST', url, {
      allOrNone: true,
      collateSubrequests: false,
      compositeRequest: [
        { method: 'POST', url: `/services/data/v${VERSION}/sobjects/Account`, referenceId: 'refAccount', body: { Name: 'Sample Account' } },
        { method: 'POST', url: `/services/data/v${VERSION}/sobjects/Contact`, referenceId: 'refContact', body: { LastName: 'Sample Contact', AccountId: '@{refAccount.id}' } },
        { method: 'GET', url: `/services/data/v${VERSION}/query?q=${encodeURIComponent('SELECT Id, Account.Name FROM Contact WHERE Id = ')}%27@{refContact.id}%27`, referenceId: 'refQuery' },
      ],
    });
    assert.equal(ok.status, 200);
    assertShape('compositeResponse', ok.body);
    const answers = (ok.body as { compositeResponse: Array<{ body: unknown; httpStatusCode: number; httpHeaders: Record<string, string> }> }).compositeResponse;
    assert.deepEqual(answers.map((a) => a.httpStatusCode), [201, 201, 200]);
    assertShape('saveResult', answers[0]!.body);
    assert.match(answers[0]!.httpHeaders.Location ?? '', /^\/services\/data\/v62\.0\/sobjects\/Account\/001/);
    assertShape('queryResult', answers[2]!.body);
    assert.equal(emulator.apiUsage().used - usage, 1, 'the entire request counts as a single call');

    const accounts = emulator.records('Account').length;
    const failed = await call('POST', url, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `/services/data/v${VERSION}/sobjects/Account`, referenceId: 'a', body: { Name: 'Rolled back' } },
        { method: 'POST', url: `/services/data/v${VERSION}/sobjects/Contact`, referenceId: 'c', body: { FirstName: 'No last name', AccountId: '@{a.id}' } },
      ],
    });
    assertShape('compositeResponse', failed.body);
    const [a, c] = (failed.body as { compositeResponse: Array<{ body: unknown; httpStatusCode: number }> }).compositeResponse;
    assert.equal(c!.httpStatusCode, 400);
    assertShape('errors', c!.body);
    assert.equal((c!.body as Array<{ errorCode: string }>)[0]!.errorCode, 'REQUIRED_FIELD_MISSING');
    assert.equal(a!.httpStatusCode, 400, 'responses_composite.htm: with allOrNone every other subrequest answers 400');
    assert.equal((a!.body as Array<{ errorCode: string }>)[0]!.errorCode, 'PROCESSING_HALTED');
    assert.equal(emulator.records('Account').length, accounts, 'rolled back');
  });

  test('Composite limits: 25 subrequests, of which at most 5 queries or collections', async () => {
    const query = { method: 'GET', url: `/services/data/v${VERSION}/query?q=SELECT+Id+FROM+Account` };
    const six = await call('POST', '/services/data/v62.0/composite', { compositeRequest: Array.from({ length: 6 }, (_, i) => ({ ...query, referenceId: `q${i}` })) });
    assert.equal(six.status, 400);
    assertShape('errors', six.body);
    const five = await call('POST', '/services/data/v62.0/composite', { compositeRequest: Array.from({ length: 5 }, (_, i) => ({ ...query, referenceId: `q${i}` })) });
    assert.equal(five.status, 200);
    const get = { method: 'GET', url: `/services/data/v${VERSION}/sobjects/Account/${accountId}` };
    const many = await call('POST', '/services/data/v62.0/composite', { compositeRequest: Array.from({ length: 26 }, (_, i) => ({ ...get, referenceId: `g${i}` })) });
    assert.equal(many.status, 400);
  });

  test('Postman "SObject Collections Create" {allOrNone, records}: SaveResults in order; allOrNone rolls back', async () => {
    const request = postman('composite/sobject_collections_create.json');
    assert.deepEqual(Object.keys(JSON.parse(request.rawModeData!)), ['allOrNone', 'records']);
    const url = fill(request.url, endpoint);
    const mixed = await call('POST', url, { allOrNone: false, records: [{ attributes: { type: 'Account' }, Name: 'One' }, { attributes: { type: 'Contact' }, FirstName: 'no last name' }] });
    assert.equal(mixed.status, 200);
    assertShape('collectionSaveResults', mixed.body);
    assert.deepEqual((mixed.body as Array<{ success: boolean }>).map((r) => r.success), [true, false]);
    const all = await call('POST', url, { allOrNone: true, records: [{ attributes: { type: 'Account' }, Name: 'Two' }, { attributes: { type: 'Contact' }, FirstName: 'no last name' }] });
    assertShape('collectionSaveResults', all.body);
    const [rolled] = all.body as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>;
    assert.equal(rolled!.success, false);
    assert.equal(rolled!.errors[0]!.statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
    assert.equal(emulator.records('Account').filter((x) => x.Name === 'Two').length, 0);
  });

  test('Postman "Limits": DailyApiRequests {Max, Remaining}, Remaining falling with every call', async () => {
    const request = postman('rest/limit.json');
    const first = await call(request.method, fill(request.url, endpoint));
    assertShape('limits', first.body);
    const second = await call(request.method, fill(request.url, endpoint));
    const [a, b] = [first, second].map((r) => (r.body as { DailyApiRequests: { Remaining: number; Max: number } }).DailyApiRequests);
    assert.equal(a!.Remaining - b!.Remaining, 1);
    assert.equal(b!.Max, emulator.settings.dailyApiRequests);
  });

  test('errorcodes.htm: 401 INVALID_SESSION_ID; 403 REQUEST_LIMIT_EXCEEDED with Sforce-Limit-Info at the limit', async () => {
    const denied = await call('GET', `/services/data/v${VERSION}/limits`, undefined, 'not-a-session');
    assert.equal(denied.status, 401);
    assert.deepEqual(denied.body, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    emulator.setApiUsage(emulator.settings.dailyApiRequests);
    try {
      const spent = await call('GET', `/services/data/v${VERSION}/limits`);
      assert.equal(spent.status, 403);
      assertShape('errors', spent.body);
      assert.equal((spent.body as Array<{ errorCode: string }>)[0]!.errorCode, 'REQUEST_LIMIT_EXCEEDED');
      const max = emulator.settings.dailyApiRequests;
      assert.equal(spent.headers.get('sforce-limit-info'), `api-usage=${max}/${max}`);
    } finally {
      emulator.setApiUsage(0);
    }
  });

  test('SOQL limits and errors: 100,000 characters, no semi-join under OR, unknown fields and types, long text areas', async () => {
    const q = (soql: string) => call('GET', `/services/data/v${VERSION}/query?q=${encodeURIComponent(soql)}`);
    const codeOf = (r: { body: unknown }) => (r.body as Array<{ errorCode: string }>)[0]!.errorCode;
    // salesforce_app_limits_platform_soslsoql.htm: statements up to 100,000 characters (sent in a Composite body: a GET URL that long fails first).
    const long = `SELECT Id FROM Contact WHERE Email IN (${Array.from({ length: 4500 }, (_, i) => `'person${i}@example.com'`).join(',')})`;
    assert.ok(long.length > 100_000);
    const viaComposite = await call('POST', '/services/data/v62.0/composite', { compositeRequest: [{ method: 'GET', url: `/services/data/v${VERSION}/query?q=${encodeURIComponent(long)}`, referenceId: 'q' }] });
    const sub = (viaComposite.body as { compositeResponse: Array<{ body: unknown; httpStatusCode: number }> }).compositeResponse[0]!;
    assert.equal(sub.httpStatusCode, 400);
    assert.equal(codeOf(sub), 'MALFORMED_QUERY');
    for (const [soql, code] of [
      ["SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM OpportunityContactRole) OR Email = 'x'", 'MALFORMED_QUERY'],
      ['SELECT Id, Nickname FROM Contact', 'INVALID_FIELD'],
      ['SELECT Id FROM Gadget', 'INVALID_TYPE'],
      ["SELECT Id FROM Task WHERE Description = 'x'", 'INVALID_FIELD'],
      ["SELECT Id FROM EmailMessage WHERE Headers = 'x'", 'INVALID_FIELD'],
      ["SELECT Id FROM Opportunity WHERE IsClosed = 'false'", 'MALFORMED_QUERY'],
      ['SELECT Id FROM', 'MALFORMED_QUERY'],
    ] as const) {
      const r = await q(soql);
      assert.equal(r.status, 400, soql);
      assertShape('errors', r.body);
      assert.equal(codeOf(r), code, soql);
    }
    // Quoted-string escapes (sforce_api_calls_soql_select_quotedstringescapes.htm) and case-insensitive text comparison.
    const escaped = await q("SELECT Id FROM Contact WHERE Email = 'PAT.O\\'NEIL@PGE.COM'");
    assert.equal((escaped.body as { totalSize: number }).totalSize, 1);
  });

  test('help article 000386264: a URI over 16,384 bytes is refused with 414', async () => {
    const r = await call('GET', `/services/data/v${VERSION}/query?q=${'x'.repeat(MAX_URI_AND_HEADER_BYTES)}`);
    assert.equal(r.status, 414);
  });

  test('Object Reference: the fields the connector writes, filters and reads back, with their properties', () => {
    // sforce_api_objects_emailmessage.htm / field reference: MessageIdentifier is a filterable
    // string; Headers, TextBody, HtmlBody are text areas (32,000 / 131,072); RelatedToId a reference.
    const email = SOBJECTS.EmailMessage!.fields;
    for (const f of ['Subject', 'TextBody', 'HtmlBody', 'Headers', 'FromAddress', 'FromName', 'ToAddress', 'CcAddress', 'MessageDate', 'Incoming', 'Status', 'MessageIdentifier', 'RelatedToId']) {
      assert.equal(email[f]?.create, true, `EmailMessage.${f} is creatable`);
    }
    assert.equal(email.MessageIdentifier!.filter, true);
    assert.equal(email.Headers!.filter, undefined);
    assert.deepEqual([email.Subject!.length, email.HtmlBody!.length, email.Headers!.length, email.ToAddress!.length], [3000, 131_072, 32_000, 4000]);
    assert.equal(email.ActivityId!.create, undefined, 'ActivityId is set by Salesforce for non-case emails');
    // sforce_api_objects_emailmessagerelation.htm: RelationType ToAddress, CcAddress, BccAddress, FromAddress (restricted).
    assert.deepEqual([...RELATION_TYPES], ['ToAddress', 'CcAddress', 'BccAddress', 'FromAddress']);
    assert.deepEqual(SOBJECTS.EmailMessageRelation!.fields.RelationId!.to, ['Contact', 'Lead', 'User']);
    assert.equal(SOBJECTS.EmailMessageRelation!.fields.RelationObjectType!.create, undefined);
    // Task: TaskSubtype creatable, Description a long text area; Lead: LastName and Company required.
    assert.equal(SOBJECTS.Task!.fields.TaskSubtype!.create, true);
    assert.equal(SOBJECTS.Task!.fields.Description!.filter, undefined);
    assert.deepEqual(Object.entries(SOBJECTS.Lead!.fields).filter(([, d]) => d.required).map(([n]) => n), ['LastName', 'Company']);
    assert.equal(SOBJECTS.Lead!.fields.IsConverted!.create, undefined);
    assert.equal(SOBJECTS.Opportunity!.fields.IsClosed!.create, undefined);
  });

  test('Enhanced Email off: RelatedToId is not a field, ParentId (a Case) is required; on: a Task per EmailMessage', async () => {
    const url = `/services/data/v${VERSION}/sobjects/EmailMessage`;
    const on = await call('POST', url, { Subject: 'Hi', RelatedToId: accountId, MessageDate: '2001-05-14T16:39:00.000Z' });
    assert.equal(on.status, 201);
    const stored = emulator.emailMessages().find((e) => e.Id === (on.body as { id: string }).id)!;
    assert.equal(emulator.tasks().find((t) => t.Id === stored.ActivityId)?.TaskSubtype, 'Email');
    emulator.settings.enhancedEmail = false;
    try {
      const withRelated = await call('POST', url, { Subject: 'Hi', RelatedToId: accountId });
      assert.equal(withRelated.status, 400);
      assert.equal((withRelated.body as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_FIELD');
      const plain = await call('POST', url, { Subject: 'Hi' });
      assert.deepEqual(plain.body, [{ message: 'Required fields are missing: [ParentId]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['ParentId'] }]);
    } finally {
      emulator.settings.enhancedEmail = true;
    }
  });

  test('Object Reference (Task.WhatId): a Task about a Lead cannot have a WhatId', async () => {
    const lead = emulator.add('Lead', { LastName: 'Lee', Company: 'Lee Co', Email: 'lee@lee.example', Status: 'Open - Not Contacted', IsConverted: false });
    const r = await call('POST', `/services/data/v${VERSION}/sobjects/Task`, { Subject: 'Email: x', TaskSubtype: 'Email', Status: 'Completed', WhoId: lead, WhatId: accountId });
    assert.equal(r.status, 400);
    assert.equal((r.body as Array<{ errorCode: string }>)[0]!.errorCode, 'FIELD_INTEGRITY_EXCEPTION');
    const bad = await call('POST', `/services/data/v${VERSION}/sobjects/EmailMessageRelation`, { EmailMessageId: emulator.emailMessages()[0]!.Id, RelationId: contactId, RelationType: 'ReplyTo' });
    assert.equal((bad.body as Array<{ errorCode: string }>)[0]!.errorCode, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  });
});
