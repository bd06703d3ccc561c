// The emulated org's records: 18-character ids with the real key prefixes and case-safe
// suffix, create-time validation in Salesforce's terms (required, read-only, picklists,
// lengths, references), the fields Salesforce derives itself (Name, IsClosed,
// RelationObjectType), what Enhanced Email does on insert (a Task per EmailMessage), and a
// journal so an allOrNone composite can roll back.
import {
  CLOSED_STAGES, SOBJECTS, canonicalField, canonicalType, typeOfId, type FieldDef,
} from './sobject-schema.ts';
import {
  badPicklist, fieldIntegrity, invalidBodyField, invalidCrossReference, invalidType, malformedId, notWritable,
  requiredFieldMissing, SalesforceApiError, tooLong,
} from './salesforce-errors.ts';
import { to18 } from './salesforce-ids.ts';

export { to18 } from './salesforce-ids.ts';

export type SfValue = string | number | boolean | null;
export type SfRecord = Record<string, SfValue>;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Salesforce's datetime format in JSON: 2024-01-02T09:00:00.000+0000. */
export function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** Ids created since begin(), for rollback. */
export type Journal = Array<{ type: string; id: string }>;

export interface StoreOptions {
  /** Enhanced Email on: EmailMessage can relate to any record (RelatedToId); off: Case only (ParentId). */
  enhancedEmail: () => boolean;
  /** The API user: OwnerId default, CreatedById. */
  userId: () => string;
  now?: () => number;
}

export class SalesforceStore {
  readonly #records = new Map<string, Map<string, SfRecord>>();
  readonly #o: StoreOptions;
  #counter = 1;
  readonly #journals: Journal[] = [];

  constructor(options: StoreOptions) {
    this.#o = options;
    for (const type of Object.keys(SOBJECTS)) this.#records.set(type, new Map());
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  newId(type: string): string {
    let n = this.#counter++;
    let digits = '';
    do {
      digits = BASE62[n % 62] + digits;
      n = Math.floor(n / 62);
    } while (n > 0);
    return to18(`${SOBJECTS[type]!.prefix}5g${digits.padStart(10, '0')}`)!;
  }

  /** The field definition as the org exposes it: RelatedToId exists only with Enhanced Email. */
  field(type: string, name: string): { name: string; def: FieldDef } | undefined {
    const canonical = canonicalField(type, name);
    if (!canonical) return undefined;
    if (type === 'EmailMessage' && canonical === 'RelatedToId' && !this.#o.enhancedEmail()) return undefined;
    return { name: canonical, def: SOBJECTS[type]!.fields[canonical]! };
  }

  all(type: string): SfRecord[] {
    return [...(this.#records.get(type)?.values() ?? [])];
  }

  get(type: string, id: string): SfRecord | undefined {
    const key = to18(id);
    return key ? this.#records.get(type)?.get(key) : undefined;
  }

  /** The record with this id, whatever its type. */
  byId(id: string): { type: string; record: SfRecord } | undefined {
    const type = typeOfId(id);
    const record = type ? this.get(type, id) : undefined;
    return type && record ? { type, record } : undefined;
  }

  /** Opens a (nested) journal: records created from now on can be rolled back together. */
  begin(): void {
    this.#journals.push([]);
  }

  /** Closes the innermost journal; with `rollback` deletes what it recorded, else hands it to the outer one. */
  end(rollback: boolean): void {
    const journal = this.#journals.pop() ?? [];
    if (rollback) {
      for (const { type, id } of journal.reverse()) this.#records.get(type)?.delete(id);
    } else {
      this.#journals.at(-1)?.push(...journal);
    }
  }

  /** Inserts a seed or system record without API validation (read-only fields allowed). */
  insertRaw(type: string, fields: SfRecord, fixedId?: string): string {
    const id = fixedId ? to18(fixedId)! : this.newId(type);
    const record = this.#withDerived(type, { Id: id, CreatedDate: sfDateTime(this.#now()), ...fields });
    this.#records.get(type)!.set(id, record);
    this.#journals.at(-1)?.push({ type, id });
    return id;
  }

  /**
   * POST /sobjects/<type> semantics: validates `body` as Salesforce would and inserts it.
   * Throws SalesforceApiError (INVALID_TYPE, INVALID_FIELD, INVALID_FIELD_FOR_INSERT_UPDATE,
   * REQUIRED_FIELD_MISSING, restricted picklist, STRING_TOO_LONG, MALFORMED_ID,
   * INVALID_CROSS_REFERENCE_KEY, FIELD_INTEGRITY_EXCEPTION). Returns the new id.
   */
  create(typeName: string, body: unknown): string {
    const type = canonicalType(typeName);
    if (!type || !SOBJECTS[type]!.createable) throw invalidType(typeName);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SalesforceApiError(400, [{ message: 'The request body must be a JSON object', errorCode: 'JSON_PARSER_ERROR' }]);
    const values: SfRecord = {};
    const readOnly: string[] = [];
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (key === 'attributes') continue;
      const found = this.field(type, key);
      if (!found) throw invalidBodyField(key, type);
      if (!found.def.create) {
        readOnly.push(found.name);
        continue;
      }
      values[found.name] = this.#checkValue(type, found.name, found.def, value);
    }
    if (readOnly.length) throw notWritable(readOnly);
    for (const [name, def] of Object.entries(SOBJECTS[type]!.fields)) {
      if (values[name] === undefined && def.defaultValue !== undefined) values[name] = def.defaultValue;
    }
    const missing = Object.entries(SOBJECTS[type]!.fields)
      .filter(([name, def]) => def.required && (values[name] === undefined || values[name] === null || values[name] === ''))
      .map(([name]) => name);
    if (type === 'EmailMessage' && !this.#o.enhancedEmail() && !values.ParentId) missing.push('ParentId');
    if (missing.length) throw requiredFieldMissing(missing);
    this.#checkIntegrity(type, values);
    if (SOBJECTS[type]!.fields.OwnerId && !values.OwnerId) values.OwnerId = this.#o.userId();
    const id = this.insertRaw(type, values);
    this.#afterInsert(type, id);
    return id;
  }

  #checkValue(type: string, name: string, def: FieldDef, value: unknown): SfValue {
    if (value === null) return null;
    switch (def.type) {
      case 'boolean':
        if (typeof value !== 'boolean') throw jsonError(type, name, value, 'Boolean');
        return value;
      case 'currency':
      case 'percent':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw jsonError(type, name, value, 'Double');
        return value;
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw jsonError(type, name, value, 'Date');
        return value;
      case 'datetime': {
        const ms = typeof value === 'string' ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
        if (!Number.isFinite(ms)) throw jsonError(type, name, value, 'DateTime');
        return sfDateTime(ms);
      }
      case 'reference': {
        const id = typeof value === 'string' ? to18(value) : null;
        if (!id) throw malformedId(name, String(value));
        const target = this.byId(id);
        if (!target || !def.to?.includes(target.type)) throw invalidCrossReference(name);
        return id;
      }
      default: {
        if (typeof value !== 'string') throw jsonError(type, name, value, 'String');
        if (def.values && !def.values.includes(value)) throw badPicklist(name, value);
        if (def.length && value.length > def.length) throw tooLong(name, def.length);
        return value;
      }
    }
  }

  #checkIntegrity(type: string, values: SfRecord): void {
    // A Task about a lead cannot also be about an account or opportunity (Object Reference: Task.WhatId).
    if (type === 'Task' && typeof values.WhoId === 'string' && values.WhoId.startsWith('00Q') && values.WhatId) {
      throw fieldIntegrity('field integrity exception: WhoId, WhatId (a Task related to a Lead cannot have a WhatId)', ['WhoId', 'WhatId']);
    }
  }

  /** Fields Salesforce computes. */
  #withDerived(type: string, record: SfRecord): SfRecord {
    if (type === 'Contact' || type === 'Lead' || type === 'User') {
      record.Name = [record.FirstName, record.LastName].filter(Boolean).join(' ');
    }
    if (type === 'Opportunity') {
      record.IsClosed = CLOSED_STAGES.has(String(record.StageName));
      record.IsWon = record.StageName === 'Closed Won';
    }
    if (type === 'Task') record.IsClosed = record.Status === 'Completed';
    if (type === 'EmailMessageRelation' && typeof record.RelationId === 'string') {
      const target = this.byId(record.RelationId);
      record.RelationObjectType = target?.type ?? null;
      if (!record.RelationAddress && target) record.RelationAddress = (target.record.Email as string | null) ?? null;
    }
    for (const [name, def] of Object.entries(SOBJECTS[type]!.fields)) {
      if (record[name] === undefined && def.type !== 'id') record[name] = def.defaultValue ?? null;
    }
    return record;
  }

  /**
   * Enhanced Email: every EmailMessage not on a case gets a completed Task (TaskSubtype
   * Email) linked through ActivityId; the first Contact or Lead related becomes its WhoId.
   * An activity moves the person's LastActivityDate.
   */
  #afterInsert(type: string, id: string): void {
    const record = this.get(type, id)!;
    if (type === 'EmailMessage' && this.#o.enhancedEmail() && !record.ParentId) {
      const day = String(record.MessageDate ?? record.CreatedDate).slice(0, 10);
      const taskId = this.insertRaw('Task', {
        Subject: `Email: ${String(record.Subject ?? '')}`.slice(0, 255),
        Status: 'Completed', Priority: 'Normal', TaskSubtype: 'Email', ActivityDate: day,
        WhatId: record.RelatedToId ?? null, OwnerId: this.#o.userId(),
      });
      record.ActivityId = taskId;
    }
    if (type === 'EmailMessageRelation' && typeof record.RelationId === 'string' && /^(003|00Q)/.test(record.RelationId)) {
      const email = this.get('EmailMessage', String(record.EmailMessageId));
      const task = email?.ActivityId ? this.get('Task', String(email.ActivityId)) : undefined;
      if (task && !task.WhoId) {
        // A lead cannot share a Task with a WhatId; Salesforce then keeps the lead on the relation only.
        if (!(record.RelationId.startsWith('00Q') && task.WhatId)) task.WhoId = record.RelationId;
      }
      this.#touch(record.RelationId, String(email?.MessageDate ?? record.CreatedDate).slice(0, 10));
    }
    if (type === 'Task' && typeof record.WhoId === 'string') this.#touch(record.WhoId, String(record.ActivityDate ?? record.CreatedDate).slice(0, 10));
  }

  #touch(personId: string, day: string): void {
    const person = this.byId(personId);
    if (person && (!person.record.LastActivityDate || String(person.record.LastActivityDate) < day)) person.record.LastActivityDate = day;
  }
}

function jsonError(_type: string, field: string, value: unknown, expected: string): SalesforceApiError {
  return new SalesforceApiError(400, [{
    message: `Cannot deserialize instance of ${expected.toLowerCase()} from ${typeof value} value ${JSON.stringify(value)} or request may be missing a required field at [line:1, column:1]`,
    errorCode: 'JSON_PARSER_ERROR',
    fields: [field],
  }]);
}
