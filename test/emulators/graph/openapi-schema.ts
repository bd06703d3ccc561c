// A strict checker for Graph emulator JSON against Microsoft's published OpenAPI 3 mail
// modules (specs/msgraph/v1.0/*.yml), through Ajv (JSON Schema 2020-12). Graph marks every
// structured type open (`additionalProperties: {type: object}`, OData's open-type marker);
// the checker closes them instead, so an unknown property, a wrong type or a bad date fails.
// Only OData instance annotations ("@odata.etag", "@removed", …) may be added anywhere.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';

type Node = Record<string, unknown>;

export interface GraphSpec {
  schemas: Record<string, Node>;
  paths: Record<string, Record<string, Node>>;
  responses: Record<string, Node>;
}

/** Parses the YAML modules once (≈1 s for Users.Functions.yml); earlier files win on duplicate names. */
export function loadGraphSpec(files: string[]): GraphSpec {
  const spec: GraphSpec = { schemas: {}, paths: {}, responses: {} };
  for (const file of files) {
    const doc = parse(readFileSync(file, 'utf8')) as {
      paths?: GraphSpec['paths']; components?: { schemas?: Record<string, Node>; responses?: Record<string, Node> };
    };
    spec.schemas = { ...doc.components?.schemas, ...spec.schemas };
    spec.responses = { ...doc.components?.responses, ...spec.responses };
    spec.paths = { ...doc.paths, ...spec.paths };
  }
  return spec;
}

const SCHEMA_REF = '#/components/schemas/';
const ANNOTATIONS = { '^@': true };
const DROP = new Set(['description', 'title', 'externalDocs', 'example', 'discriminator', 'readOnly', 'writeOnly', 'deprecated']);

/** A compiled checker; `check` answers "path: problem" strings, empty when valid. */
export class GraphContract {
  readonly #spec: GraphSpec;
  readonly #defs: Record<string, unknown> = {};
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  readonly #compiled = new Map<string, ValidateFunction>();
  #registered = false;

  constructor(spec: GraphSpec) {
    this.#spec = spec;
    // ajv-formats is CommonJS: Node's default import is module.exports (the plugin itself).
    const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as
      (ajv: Ajv2020, formats: string[]) => void;
    addFormats(this.#ajv, ['date-time', 'date', 'time', 'duration', 'uuid']);
    this.#ajv.addFormat('base64url', /^[A-Za-z0-9_-]*={0,2}$/);
    for (const name of ['int8', 'uint8', 'int16', 'int32', 'int64', 'float', 'double', 'decimal']) this.#ajv.addFormat(name, true);
  }

  /** Checks `value` against component schema `name` (e.g. "microsoft.graph.message"). */
  check(name: string, value: unknown): string[] {
    return this.#run(`schema:${name}`, () => this.#convert({ $ref: SCHEMA_REF + name }, false), value);
  }

  /** Checks `value` against the JSON response of `operationId` for `status` ("2XX", "default"). */
  checkResponse(operationId: string, status: string, value: unknown): string[] {
    return this.#run(`op:${operationId}:${status}`, () => {
      for (const item of Object.values(this.#spec.paths)) {
        for (const op of Object.values(item)) {
          if (op.operationId !== operationId) continue;
          let response = (op.responses as Record<string, Node>)[status];
          if (!response) throw new Error(`${operationId} has no ${status} response`);
          if (typeof response.$ref === 'string') response = this.#responseRef(response.$ref);
          const schema = ((response.content as Record<string, Node>)['application/json']!).schema as Node;
          return this.#convert(schema, false);
        }
      }
      throw new Error(`no operation ${operationId}`);
    }, value);
  }

  #responseRef(ref: string): Node {
    const response = this.#spec.responses[ref.replace('#/components/responses/', '')];
    if (!response) throw new Error(`unknown response ${ref}`);
    return response;
  }

  #run(key: string, root: () => unknown, value: unknown): string[] {
    let validate = this.#compiled.get(key);
    if (!validate) {
      const schema = root();
      this.#register();
      validate = this.#ajv.compile(schema as Node);
      this.#compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}${e.params && 'unevaluatedProperty' in e.params ? ` (${String(e.params.unevaluatedProperty)})` : ''}`);
  }

  /** Converts every def reached so far into one schema document the roots reference. */
  #register(): void {
    if (this.#registered) this.#ajv.removeSchema('graph-defs');
    this.#ajv.addSchema({ $id: 'graph-defs', $defs: this.#defs });
    this.#registered = true;
  }

  /** OpenAPI 3.0 node → JSON Schema 2020-12 node; `inAllOf`: a direct allOf member (left open). */
  #convert(node: unknown, inAllOf: boolean): unknown {
    if (Array.isArray(node)) return node.map((n) => this.#convert(n, inAllOf));
    if (typeof node !== 'object' || node === null) return node;
    const n = node as Node;
    if (typeof n.$ref === 'string') {
      const name = n.$ref.slice(SCHEMA_REF.length);
      this.#define(name);
      const ref = { $ref: `graph-defs#/$defs/${name}` };
      return inAllOf || !this.#structured(name) ? ref : { ...ref, patternProperties: ANNOTATIONS, unevaluatedProperties: false };
    }
    const out: Node = {};
    for (const [key, value] of Object.entries(n)) {
      if (DROP.has(key) || key.startsWith('x-ms-') || key === 'nullable') continue;
      if (key === 'additionalProperties' && isOpenTypeMarker(value)) continue;
      if (key === 'properties') {
        out.properties = Object.fromEntries(Object.entries(value as Record<string, Node>)
          // Navigation properties are only returned with $expand, which the emulator does not serve.
          .filter(([, p]) => p['x-ms-navigationProperty'] !== true)
          .map(([k, p]) => [k, this.#convert(p, false)]));
      } else if (key === 'allOf') {
        out.allOf = (value as unknown[]).map((v) => this.#convert(v, true));
      } else {
        out[key] = this.#convert(value, false);
      }
    }
    if (n.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      else return { anyOf: [out, { type: 'null' }] };
      if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    }
    if (!inAllOf && out.properties && n !== this.#defRoot) {
      out.patternProperties = ANNOTATIONS;
      out.unevaluatedProperties = false;
    }
    return out;
  }

  #defRoot: Node | null = null;

  #define(name: string): void {
    if (name in this.#defs) return;
    const schema = this.#spec.schemas[name];
    if (!schema) throw new Error(`unknown schema ${name}`);
    this.#defs[name] = {}; // placeholder: recursion (mailFolder → mailFolder) stops here
    const saved = this.#defRoot;
    this.#defRoot = schema;
    this.#defs[name] = this.#convert(schema, false);
    this.#defRoot = saved;
  }

  /** A structured type (has properties, directly or through allOf) is closed where it is used. */
  #structured(name: string): boolean {
    const schema = this.#spec.schemas[name];
    return Boolean(schema && (schema.properties || schema.allOf));
  }
}

function isOpenTypeMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 1 && (value as Node).type === 'object';
}
