/**
 * What kube-apiserver does to a custom resource with the CRD's structural schema, using the CRDs
 * the projects publish (test/cluster/crds: linkerd-smi's TrafficSplit, Gateway API's standard
 * channel), so that the sandbox refuses and defaults what a real cluster with those CRDs does:
 * unknown fields are pruned (a `Warning: unknown field "spec.x"` each, or 400 with
 * fieldValidation=Strict), `default`s are filled in, then types, required fields, enums, bounds,
 * lengths, patterns and item counts are checked, with apiextensions-apiserver's messages.
 * Not evaluated: the CEL rules (`x-kubernetes-validations`), list-type uniqueness and formats.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { FieldError } from './errors.js';

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

/** `group/version/Kind` -> the version's openAPIV3Schema, from every published CRD file. */
let published: Map<string, Schema> | undefined;

export function publishedSchema(group: string, version: string, kind: string): Schema | undefined {
  published ??= loadPublished();
  return published.get(`${group}/${version}/${kind}`);
}

function crdDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'cluster', 'crds');
    if (existsSync(candidate)) return candidate;
  }
  const fromCwd = resolve('test/cluster/crds');
  return existsSync(fromCwd) ? fromCwd : undefined;
}

function loadPublished(): Map<string, Schema> {
  const out = new Map<string, Schema>();
  const root = crdDir();
  if (!root) return out;
  for (const project of readdirSync(root)) {
    for (const file of readdirSync(join(root, project)).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(root, project, file), 'utf8'))) {
        const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: Schema } }[] } } | null;
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        for (const v of crd.spec.versions) if (v.schema?.openAPIV3Schema) out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }
  return out;
}

export interface Admission {
  /** Paths of the pruned unknown fields, e.g. `spec.backends[0].x`, in document order. */
  unknown: string[];
  errors: FieldError[];
}

/** Prunes, defaults (in place) and validates a custom resource against its schema. */
export function admitCustomResource(schema: Schema, obj: Record<string, unknown>): Admission {
  const unknown: string[] = [];
  for (const key of Object.keys(obj)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
    const s = schema.properties?.[key];
    if (!s) {
      unknown.push(key);
      delete obj[key];
    } else obj[key] = prune(obj[key], s, key, unknown);
  }
  for (const key of Object.keys(schema.properties ?? {})) {
    if (key === 'metadata' || key === 'apiVersion' || key === 'kind') continue;
    const s = schema.properties![key]!;
    if (obj[key] === undefined && s.default !== undefined) obj[key] = structuredClone(s.default);
    if (obj[key] !== undefined) obj[key] = applyDefaults(obj[key], s);
  }
  const errors: FieldError[] = [];
  for (const key of schema.required ?? []) if (key !== 'metadata' && obj[key] === undefined) errors.push({ type: 'FieldValueRequired', field: key, detail: '' });
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    if (key === 'metadata' || key === 'apiVersion' || key === 'kind' || obj[key] === undefined) continue;
    validate(obj[key], s, key, errors);
  }
  return { unknown, errors };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function prune(value: unknown, s: Schema, path: string, unknown: string[]): unknown {
  if (s['x-kubernetes-preserve-unknown-fields'] || s['x-kubernetes-embedded-resource']) return value;
  if (Array.isArray(value) && s.items) return value.map((v, i) => prune(v, s.items!, `${path}[${i}]`, unknown));
  if (!isPlainObject(value)) return value;
  if (s.properties) {
    for (const key of Object.keys(value)) {
      const child = s.properties[key];
      if (child) value[key] = prune(value[key], child, `${path}.${key}`, unknown);
      else if (isPlainObject(s.additionalProperties)) value[key] = prune(value[key], s.additionalProperties, `${path}.${key}`, unknown);
      else if (s.additionalProperties !== true) {
        unknown.push(`${path}.${key}`);
        delete value[key];
      }
    }
  } else if (isPlainObject(s.additionalProperties)) {
    for (const key of Object.keys(value)) value[key] = prune(value[key], s.additionalProperties, `${path}.${key}`, unknown);
  }
  return value;
}

function applyDefaults(value: unknown, s: Schema): unknown {
  if (Array.isArray(value) && s.items) return value.map((v) => applyDefaults(v, s.items!));
  if (!isPlainObject(value) || !s.properties) return value;
  for (const [key, child] of Object.entries(s.properties)) {
    if (value[key] === undefined && child.default !== undefined) value[key] = structuredClone(child.default);
    if (value[key] !== undefined) value[key] = applyDefaults(value[key], child);
  }
  return value;
}

/** The JSON type kube-openapi names for a value ("integer" for whole numbers). */
function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, s: Schema): boolean {
  if (v === null) return !!s.nullable;
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  const t = jsonType(v);
  switch (s.type) {
    case undefined:
      return true;
    case 'number':
      return t === 'number' || t === 'integer';
    default:
      return t === s.type;
  }
}

function validate(v: unknown, s: Schema, path: string, errors: FieldError[]): void {
  if (v === null && s.nullable) return;
  if (!typeMatches(v, s)) {
    const want = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type!;
    const got = jsonType(v);
    errors.push({ type: 'FieldValueTypeInvalid', field: path, value: got, detail: `${path} in body must be of type ${want}: ${JSON.stringify(got)}` });
    return;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errors.push({ type: 'FieldValueNotSupported', field: path, value: v, supported: s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))) });
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      errors.push({ type: 'FieldValueInvalid', field: path, value: v, detail: `${path} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}` });
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      errors.push({ type: 'FieldValueInvalid', field: path, value: v, detail: `${path} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}` });
    }
  }
  if (typeof v === 'string') {
    const length = [...v].length;
    if (s.maxLength !== undefined && length > s.maxLength) errors.push({ type: 'FieldValueTooLong', field: path, maxBytes: s.maxLength });
    if (s.minLength !== undefined && length < s.minLength) errors.push({ type: 'FieldValueInvalid', field: path, value: v, detail: `${path} in body should be at least ${s.minLength} chars long` });
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) errors.push({ type: 'FieldValueInvalid', field: path, value: v, detail: `${path} in body should match '${s.pattern}'` });
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) errors.push({ type: 'FieldValueTooMany', field: path, actual: v.length, max: s.maxItems });
    if (s.minItems !== undefined && v.length < s.minItems) errors.push({ type: 'FieldValueInvalid', field: path, value: v.length, detail: `${path} in body should have at least ${s.minItems} items` });
    if (s.items) v.forEach((item, i) => validate(item, s.items!, `${path}[${i}]`, errors));
  }
  if (isPlainObject(v)) {
    for (const key of s.required ?? []) if (v[key] === undefined) errors.push({ type: 'FieldValueRequired', field: `${path}.${key}`, detail: '' });
    for (const [key, child] of Object.entries(v)) {
      const cs = s.properties?.[key] ?? (isPlainObject(s.additionalProperties) ? s.additionalProperties : undefined);
      if (cs && child !== undefined) validate(child, cs, `${path}.${key}`, errors);
    }
  }
}
