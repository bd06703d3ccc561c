// JSON Schemas of the HubSpot responses the emulator sends, transcribed by hand from the
// published API reference (HubSpot's OpenAPI files are not stored locally: their licence),
// closed to unknown keys so the emulator cannot drift into shapes the real API never sends.
// Each names its source:
//   SimplePublicObject, CollectionResponseWithTotal…, BatchResponseSimplePublicObject:
//     developers.hubspot.com/docs/api-reference/…/crm/objects (…/batch/read, …/search), and in
//     GitHub HubSpot/HubSpot-public-api-spec-collection PublicApiSpecs/CRM/{Companies,Deals}/Rollouts/424/v3/<name>.json
//   CollectionResponseMultiAssociatedObjectWithLabel: …/crm/associations-v4 (list)
//   BatchResponsePublicAssociationMultiWithLabel (PublicAssociationMultiWithLabel, StandardError):
//     PublicApiSpecs/CRM/Associations/Rollouts/130902/v4/associations.json (…/batch/read)
//   CollectionResponsePipelineNoPaging (Pipeline, PipelineStage): PublicApiSpecs/CRM/Pipelines/Rollouts/145896/v3/pipelines.json
//   PublicOwner: …/crm/owners;  account details (PortalInformationResponse):
//     PublicApiSpecs/Account/Account Info/Rollouts/144923/v3/accountInfo.json
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

const associationTypes = {
  type: 'array',
  items: {
    type: 'object',
    required: ['category', 'typeId'],
    additionalProperties: false,
    properties: {
      category: { enum: ['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED', 'WORK'] },
      typeId: { type: 'integer' },
      label: { type: ['string', 'null'] },
    },
  },
};

/** MultiAssociatedObjectWithLabel: v4 sends toObjectId as an integer (the dated 2026-03 release as a string). */
const multiAssociatedObject = {
  type: 'object',
  required: ['toObjectId', 'associationTypes'],
  additionalProperties: false,
  properties: { toObjectId: { type: 'integer' }, associationTypes },
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

/** A batch answer (BatchResponse…, 200 or 207) whose results are `item`; errors are StandardError. */
function batchOf(item: object): object {
  return {
    type: 'object',
    required: ['status', 'results', 'startedAt', 'completedAt'],
    additionalProperties: false,
    properties: {
      status: { enum: ['PENDING', 'PROCESSING', 'CANCELED', 'COMPLETE'] },
      results: { type: 'array', items: item },
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
  };
}

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
  batchResponse: batchOf(simplePublicObject),
  associationsBatch: batchOf({
    type: 'object',
    required: ['from', 'to'],
    additionalProperties: false,
    properties: {
      from: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[0-9]+$' } } },
      to: { type: 'array', items: multiAssociatedObject },
      paging,
    },
  }),
  pipelines: {
    type: 'object',
    required: ['results'],
    additionalProperties: false,
    properties: {
      results: {
        type: 'array',
        items: {
          type: 'object',
          required: ['archived', 'createdAt', 'displayOrder', 'id', 'label', 'stages', 'updatedAt'],
          additionalProperties: false,
          properties: {
            id: { type: 'string' },
            label: { type: 'string' },
            displayOrder: { type: 'integer' },
            createdAt: dateTime,
            updatedAt: dateTime,
            archived: { type: 'boolean' },
            archivedAt: dateTime,
            stages: {
              type: 'array',
              items: {
                type: 'object',
                required: ['archived', 'createdAt', 'displayOrder', 'id', 'label', 'updatedAt'],
                additionalProperties: false,
                properties: {
                  id: { type: 'string' },
                  label: { type: 'string' },
                  displayOrder: { type: 'integer' },
                  metadata: { type: 'object', additionalProperties: { type: 'string' } },
                  createdAt: dateTime,
                  updatedAt: dateTime,
                  archived: { type: 'boolean' },
                  archivedAt: dateTime,
                  writePermissions: { enum: ['CRM_PERMISSIONS_ENFORCEMENT', 'READ_ONLY', 'INTERNAL_ONLY'] },
                },
              },
            },
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
      results: { type: 'array', items: multiAssociatedObject },
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
