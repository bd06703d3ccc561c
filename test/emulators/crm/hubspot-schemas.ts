// JSON Schemas of the HubSpot responses the emulator sends, transcribed by hand from the
// published API reference (no machine-readable spec is stored locally), closed to unknown
// keys so the emulator cannot drift into shapes the real API never sends. Each names its page:
//   SimplePublicObject, CollectionResponseWithTotal…, BatchResponseSimplePublicObject:
//     developers.hubspot.com/docs/api-reference/…/crm/objects (…/batch/read, …/search)
//   CollectionResponseMultiAssociatedObjectWithLabel: …/crm/associations-v4 (list)
//   PublicOwner: …/crm/owners;  account details: …/account/account-information/get-account-details
//   Error: developers.hubspot.com/docs/faq/api-error-responses and the CRM `Error` model
//   429 body: developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';

const dateTime = { type: 'string', format: 'date-time' };
const propertyMap = { type: 'object', additionalProperties: { type: ['string', 'null'] } };
const nextPage = {
  type: 'object',
  required: ['after'],
  additionalProperties: false,
  properties: { after: { type: 'string' }, link: { type: ['string', 'null'] } },
};
const paging = { type: 'object', additionalProperties: false, properties: { next: nextPage, prev: { type: 'object' } } };

const simplePublicObject = {
  type: 'object',
  required: ['id', 'properties', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[0-9]+$' },
    properties: propertyMap,
    createdAt: dateTime,
    updatedAt: dateTime,
    archived: { type: 'boolean' },
    archivedAt: dateTime,
    propertiesWithHistory: { type: 'object' },
    associations: { type: 'object' },
    objectWriteTraceId: { type: 'string' },
    url: { type: 'string' },
  },
};

const errorDetail = {
  type: 'object',
  required: ['message'],
  additionalProperties: false,
  properties: {
    message: { type: 'string' },
    code: { type: 'string' },
    in: { type: 'string' },
    subCategory: { type: 'string' },
    context: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  },
};

export const HUBSPOT_SCHEMAS = {
  simplePublicObject,
  collectionWithTotal: {
    type: 'object',
    required: ['total', 'results'],
    additionalProperties: false,
    properties: { total: { type: 'integer', minimum: 0 }, results: { type: 'array', items: simplePublicObject }, paging },
  },
  collection: {
    type: 'object',
    required: ['results'],
    additionalProperties: false,
    properties: { results: { type: 'array', items: simplePublicObject }, paging },
  },
  batchResponse: {
    type: 'object',
    required: ['status', 'results', 'startedAt', 'completedAt'],
    additionalProperties: false,
    properties: {
      status: { enum: ['PENDING', 'PROCESSING', 'CANCELED', 'COMPLETE'] },
      results: { type: 'array', items: simplePublicObject },
      startedAt: dateTime,
      completedAt: dateTime,
      requestedAt: dateTime,
      links: { type: 'object' },
      numErrors: { type: 'integer' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          required: ['status', 'category', 'message', 'context'],
          additionalProperties: false,
          properties: {
            status: { type: 'string' },
            category: { type: 'string' },
            message: { type: 'string' },
            context: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
            id: { type: 'string' },
            subCategory: { type: 'object' },
            links: { type: 'object' },
            errors: { type: 'array', items: errorDetail },
          },
        },
      },
    },
  },
  associationsV4: {
    type: 'object',
    required: ['results'],
    additionalProperties: false,
    properties: {
      results: {
        type: 'array',
        items: {
          type: 'object',
          required: ['toObjectId', 'associationTypes'],
          additionalProperties: false,
          properties: {
            toObjectId: { type: 'integer' },
            associationTypes: {
              type: 'array',
              items: {
                type: 'object',
                required: ['category', 'typeId'],
                additionalProperties: false,
                properties: {
                  category: { enum: ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED'] },
                  typeId: { type: 'integer' },
                  label: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
      },
      paging,
    },
  },
  owner: {
    type: 'object',
    required: ['id', 'createdAt', 'updatedAt', 'archived'],
    additionalProperties: false,
    properties: {
      id: { type: 'string' },
      email: { type: 'string' },
      firstName: { type: 'string' },
      lastName: { type: 'string' },
      userId: { type: 'integer' },
      userIdIncludingInactive: { type: 'integer' },
      type: { type: 'string' },
      createdAt: dateTime,
      updatedAt: dateTime,
      archived: { type: 'boolean' },
      teams: { type: 'array' },
    },
  },
  accountDetails: {
    type: 'object',
    required: ['portalId', 'accountType', 'timeZone', 'companyCurrency', 'additionalCurrencies', 'utcOffset', 'utcOffsetMilliseconds', 'uiDomain', 'dataHostingLocation'],
    additionalProperties: false,
    properties: {
      portalId: { type: 'integer' },
      accountType: { enum: ['APP_DEVELOPER', 'DEVELOPER_TEST', 'SANDBOX', 'STANDARD'] },
      timeZone: { type: 'string' },
      companyCurrency: { type: 'string' },
      additionalCurrencies: { type: 'array', items: { type: 'string' } },
      utcOffset: { type: 'string', pattern: '^[+-][0-9]{2}:[0-9]{2}$' },
      utcOffsetMilliseconds: { type: 'integer' },
      uiDomain: { type: 'string' },
      dataHostingLocation: { type: 'string' },
    },
  },
  error: {
    type: 'object',
    required: ['category', 'correlationId', 'message'],
    additionalProperties: false,
    properties: {
      status: { const: 'error' },
      message: { type: 'string', minLength: 1 },
      correlationId: { type: 'string', format: 'uuid' },
      category: { type: 'string' },
      subCategory: { type: 'string' },
      context: { type: 'object' },
      links: { type: 'object' },
      errors: { type: 'array', items: errorDetail },
    },
  },
  rateLimit: {
    type: 'object',
    required: ['status', 'message', 'errorType', 'correlationId', 'policyName'],
    additionalProperties: false,
    properties: {
      status: { const: 'error' },
      message: { type: 'string' },
      errorType: { const: 'RATE_LIMIT' },
      correlationId: { type: 'string', format: 'uuid' },
      policyName: { enum: ['TEN_SECONDLY_ROLLING', 'SECONDLY', 'DAILY'] },
      requestId: { type: 'string' },
    },
  },
} as const;

export type HubSpotSchemaName = keyof typeof HUBSPOT_SCHEMAS;

/** Compiled validators; `validate(name, value)` returns Ajv's error text, or null when valid. */
export function hubSpotValidator(): (name: HubSpotSchemaName, value: unknown) => string | null {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // ajv-formats is CommonJS: Node's default import is module.exports (the plugin itself).
  const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as
    (instance: Ajv2020, formats: string[]) => void;
  addFormats(ajv, ['date-time', 'uuid']);
  const compiled = new Map<HubSpotSchemaName, ValidateFunction>();
  return (name, value) => {
    let validate = compiled.get(name);
    if (!validate) compiled.set(name, (validate = ajv.compile(HUBSPOT_SCHEMAS[name] as object)));
    return validate(value) ? null : ajv.errorsText(validate.errors);
  };
}
