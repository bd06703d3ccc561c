// Salesforce REST API error answers as the emulator sends them: an array of
// {message, errorCode, fields?} with the HTTP status the REST API Developer Guide gives
// (401 for an expired or invalid session, 403 REQUEST_LIMIT_EXCEEDED when the org's API
// allocation is spent, 400 for bad input, 404 NOT_FOUND).
// Source: developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm.

export interface SalesforceErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** Thrown by emulator routes; the server (or the composite runner) turns it into an answer. */
export class SalesforceApiError extends Error {
  readonly status: number;
  readonly items: SalesforceErrorItem[];
  readonly headers: Record<string, string>;
  constructor(status: number, items: SalesforceErrorItem[], headers: Record<string, string> = {}) {
    super(items[0]?.message ?? String(status));
    this.name = 'SalesforceApiError';
    this.status = status;
    this.items = items;
    this.headers = headers;
  }

  /** The first item's errorCode. */
  get errorCode(): string {
    return this.items[0]?.errorCode ?? '';
  }
}

const one = (status: number, errorCode: string, message: string, fields?: string[]) =>
  new SalesforceApiError(status, [{ message, errorCode, ...(fields ? { fields } : {}) }]);

export const invalidSession = () => one(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
export const requestLimitExceeded = () => one(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
export const notFound = () => one(404, 'NOT_FOUND', 'The requested resource does not exist');
export const methodNotAllowed = (method: string) => one(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,POST`);
export const malformedQuery = (message: string) => one(400, 'MALFORMED_QUERY', message);
export const jsonParserError = (message: string) => one(400, 'JSON_PARSER_ERROR', message);

export const invalidType = (type: string) => one(400, 'INVALID_TYPE',
  `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);

/** An unknown column in SOQL (query wording). */
export const invalidQueryField = (field: string, type: string) => one(400, 'INVALID_FIELD',
  `No such column '${field}' on entity '${type}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);

/** An unknown field in a create body (JSON deserialisation wording). */
export const invalidBodyField = (field: string, type: string) => one(400, 'INVALID_FIELD', `No such column '${field}' on sobject of type ${type}`);

export const notFilterable = (field: string) => one(400, 'INVALID_FIELD', `field '${field}' can not be filtered in a query call`);

export const requiredFieldMissing = (fields: string[]) => one(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields);

export const notWritable = (fields: string[]) => one(400, 'INVALID_FIELD_FOR_INSERT_UPDATE',
  `Unable to create/update fields: ${fields.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, fields);

export const badPicklist = (field: string, value: string) => one(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field}: bad value for restricted picklist field: ${value}`, [field]);

export const tooLong = (field: string, max: number) => one(400, 'STRING_TOO_LONG', `${field}: data value too large (max length=${max})`, [field]);

export const malformedId = (field: string, value: string) => one(400, 'MALFORMED_ID', `${field}: id value of incorrect type: ${value}`, [field]);

export const invalidCrossReference = (field: string) => one(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field]);

export const fieldIntegrity = (message: string, fields: string[]) => one(400, 'FIELD_INTEGRITY_EXCEPTION', message, fields);

export const serverUnavailable = (status = 503) =>
  status === 503
    ? one(503, 'SERVER_UNAVAILABLE', 'Server is temporarily unavailable. Please try again later.')
    : one(status, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1203046548-61512 (-1124542290)');

/** A subrequest not run (or rolled back) because another failed in an allOrNone composite. */
export const processingHalted = (message = 'The transaction was rolled back since another operation in the same transaction failed.') =>
  one(400, 'PROCESSING_HALTED', message);
