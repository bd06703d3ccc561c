// JSON Schemas of the Salesforce REST answers the emulator sends, transcribed by hand from
// the REST API Developer Guide (the Postman collection in ../shared/data/specs/salesforce has
// request shapes but no example answers), closed to unknown keys where the guide lists every
// property, so the emulator cannot drift into shapes the real API never sends. Each names its page
// (developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/…):
//   saveResult (create):       dome_sobject_create.htm, and the Composite example body {id, success, errors}
//   queryResult:               resources_query.htm (totalSize, done, nextRecordsUrl, records)
//   record:                    resources_query.htm example: attributes {type, url} then the fields
//   errors:                    errorcodes.htm (message, errorCode, fields)
//   compositeResponse:         responses_composite.htm (body, httpHeaders, httpStatusCode, referenceId)
//   collectionSaveResults:     resources_composite_sobjects_collections_create.htm (SaveResult list),
//                              error items {statusCode, message, fields} (Mobile SDK SFSDKCollectionErrorResponse)
//   limits:                    resources_limits.htm (DailyApiRequests {Max, Remaining}; other keys exist)
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const id18 = { type: 'string', pattern: '^[a-zA-Z0-9]{15}[A-Z0-5]{3}$' };
const sobjectUrl = { type: 'string', pattern: '^/services/data/v\\d+\\.\\d/sobjects/\\w+/[a-zA-Z0-9]{18}$' };
const attributes = { type: 'object', required: ['type', 'url'], additionalProperties: false, properties: { type: { type: 'string' }, url: sobjectUrl } };
const fieldValue = { type: ['string', 'number', 'boolean', 'null'] };

const record = {
  $id: 'record',
  type: 'object',
  required: ['attributes'],
  properties: { attributes },
  additionalProperties: { anyOf: [fieldValue, { $ref: 'record' }] },
};

const errorItem = {
  type: 'object',
  required: ['message', 'errorCode'],
  additionalProperties: false,
  properties: { message: { type: 'string' }, errorCode: { type: 'string', pattern: '^[A-Z_]+$' }, fields: { type: 'array', items: { type: 'string' } } },
};

export const SALESFORCE_SCHEMAS = {
  saveResult: {
    type: 'object',
    required: ['id', 'success', 'errors'],
    additionalProperties: false,
    properties: { id: id18, success: { const: true }, errors: { type: 'array', maxItems: 0 } },
  },
  queryResult: {
    type: 'object',
    required: ['totalSize', 'done', 'records'],
    additionalProperties: false,
    properties: {
      totalSize: { type: 'integer', minimum: 0 },
      done: { type: 'boolean' },
      records: { type: 'array', items: { $ref: 'record' } },
      nextRecordsUrl: { type: 'string', pattern: '^/services/data/v\\d+\\.\\d/query/[\\w-]+$' },
    },
    if: { properties: { done: { const: false } } },
    then: { required: ['nextRecordsUrl'] },
    else: { not: { required: ['nextRecordsUrl'] } },
  },
  errors: { type: 'array', minItems: 1, items: errorItem },
  compositeResponse: {
    type: 'object',
    required: ['compositeResponse'],
    additionalProperties: false,
    properties: {
      compositeResponse: {
        type: 'array',
        items: {
          type: 'object',
          required: ['body', 'httpHeaders', 'httpStatusCode', 'referenceId'],
          additionalProperties: false,
          properties: {
            body: {},
            httpHeaders: { type: 'object', additionalProperties: { type: 'string' } },
            httpStatusCode: { type: 'integer', minimum: 200, maximum: 599 },
            referenceId: { type: 'string', pattern: '^\\w+$' },
          },
        },
      },
    },
  },
  collectionSaveResults: {
    type: 'array',
    items: {
      type: 'object',
      required: ['success', 'errors'],
      additionalProperties: false,
      properties: {
        id: id18,
        success: { type: 'boolean' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['statusCode', 'message', 'fields'],
            additionalProperties: false,
            properties: { statusCode: { type: 'string', pattern: '^[A-Z_]+$' }, message: { type: 'string' }, fields: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
      if: { properties: { success: { const: true } } },
      then: { required: ['id'], properties: { errors: { maxItems: 0 } } },
      else: { properties: { errors: { minItems: 1 } } },
    },
  },
  limits: {
    type: 'object',
    required: ['DailyApiRequests'],
    properties: {
      DailyApiRequests: {
        type: 'object',
        required: ['Max', 'Remaining'],
        properties: { Max: { type: 'integer', minimum: 0 }, Remaining: { type: 'integer', minimum: 0 } },
      },
    },
  },
} as const;

export type SalesforceSchemaName = keyof typeof SALESFORCE_SCHEMAS;

/** A validator: null when `value` matches the named schema, else the first problems in words. */
export function salesforceValidator(): (name: SalesforceSchemaName, value: unknown) => string | null {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema(record);
  const compiled = new Map<SalesforceSchemaName, ValidateFunction>();
  return (name, value) => {
    let validate = compiled.get(name);
    if (!validate) {
      validate = ajv.compile(SALESFORCE_SCHEMAS[name]);
      compiled.set(name, validate);
    }
    return validate(value) ? null : ajv.errorsText(validate.errors?.slice(0, 5));
  };
}
