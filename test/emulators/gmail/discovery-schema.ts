// A strict checker for JSON against a Google discovery document's `schemas`: unknown
// properties, wrong types, malformed int64 strings and base64 `byte` fields all fail.
// Written small on purpose: discovery schemas use only type/properties/items/$ref/
// additionalProperties/format/enum (https://developers.google.com/discovery/v1/type-format).
import { readFileSync } from 'node:fs';

interface SchemaNode {
  id?: string;
  type?: string;
  $ref?: string;
  format?: string;
  enum?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode;
  items?: SchemaNode;
}

interface DiscoveryMethod {
  id: string;
  response?: { $ref: string };
}

interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

export interface Discovery {
  schemas: Record<string, SchemaNode>;
  resources: Record<string, DiscoveryResource>;
}

export function loadDiscovery(path: string): Discovery {
  return JSON.parse(readFileSync(path, 'utf8')) as Discovery;
}

/** The response schema name of a method id such as "gmail.users.messages.get"; throws when unknown. */
export function responseSchema(discovery: Discovery, methodId: string): string {
  const visit = (resources: Record<string, DiscoveryResource>): string | undefined => {
    for (const resource of Object.values(resources)) {
      for (const method of Object.values(resource.methods ?? {})) if (method.id === methodId) return method.response?.$ref;
      const nested = resource.resources && visit(resource.resources);
      if (nested) return nested;
    }
    return undefined;
  };
  const name = visit(discovery.resources);
  if (!name) throw new Error(`no response schema for ${methodId}`);
  return name;
}

const INT = /^-?\d+$/;
const UINT = /^\d+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Every violation of `schemaName` in `value`, as "path: problem" strings; empty when valid. */
export function check(discovery: Discovery, schemaName: string, value: unknown): string[] {
  const problems: string[] = [];
  const walk = (node: SchemaNode, v: unknown, path: string): void => {
    if (node.$ref) {
      const target = discovery.schemas[node.$ref];
      if (!target) return void problems.push(`${path}: unknown $ref ${node.$ref}`);
      return walk(target, v, path);
    }
    switch (node.type) {
      case 'object': {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return void problems.push(`${path}: expected object`);
        for (const [key, child] of Object.entries(v)) {
          const propertySchema = node.properties?.[key] ?? node.additionalProperties;
          if (!propertySchema) problems.push(`${path}.${key}: unknown property`);
          else walk(propertySchema, child, `${path}.${key}`);
        }
        return;
      }
      case 'array':
        if (!Array.isArray(v)) return void problems.push(`${path}: expected array`);
        v.forEach((item, i) => walk(node.items ?? {}, item, `${path}[${i}]`));
        return;
      case 'string':
        if (typeof v !== 'string') return void problems.push(`${path}: expected string, got ${typeof v}`);
        if ((node.format === 'int64' && !INT.test(v)) || (node.format === 'uint64' && !UINT.test(v))) {
          problems.push(`${path}: expected ${node.format} string, got ${JSON.stringify(v.slice(0, 40))}`);
        }
        if (node.format === 'byte' && !BASE64.test(v)) problems.push(`${path}: expected base64 bytes`);
        if (node.enum && !node.enum.includes(v)) problems.push(`${path}: ${JSON.stringify(v)} not in enum`);
        return;
      case 'integer':
        if (!Number.isInteger(v)) return void problems.push(`${path}: expected integer, got ${JSON.stringify(v)}`);
        if (node.format === 'int32' && Math.abs(v as number) > 2 ** 31) problems.push(`${path}: int32 out of range`);
        if (node.format === 'uint32' && ((v as number) < 0 || (v as number) >= 2 ** 32)) problems.push(`${path}: uint32 out of range`);
        return;
      case 'number':
        if (typeof v !== 'number') problems.push(`${path}: expected number`);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push(`${path}: expected boolean`);
        return;
      case 'any':
      case undefined:
        return;
      default:
        problems.push(`${path}: schema type ${node.type} not supported by the checker`);
    }
  };
  const root = discovery.schemas[schemaName];
  if (!root) return [`unknown schema ${schemaName}`];
  walk(root, value, schemaName);
  return problems;
}
