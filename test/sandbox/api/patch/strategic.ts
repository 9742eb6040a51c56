/**
 * Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for built-in types: lists
 * with a merge key merge item by item (containers by name, ports by containerPort/port), other
 * lists are replaced, and the directives clients send are honoured: `$patch: replace|delete|merge`
 * in maps and list items, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and
 * `$setElementOrder/<field>` (which kubectl apply sends on every patch).
 */
import { deepEqual, isObject, type Json, type JsonObject } from './json-value.js';
import type { Field, Struct } from './strategic-schema.js';

export class StrategicPatchError extends Error {
  /** 400 BadRequest and 422 Invalid as the server maps them; 500 for errors it passes through raw. */
  constructor(
    readonly code: 400 | 422 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'StrategicPatchError';
  }
}

const DELETE = Symbol('delete');
type Merged = JsonObject | typeof DELETE;

export function strategicMergePatch(original: JsonObject, patch: JsonObject, schema: Struct): JsonObject {
  const merged = mergeStruct(original, patch, schema);
  return merged === DELETE ? {} : merged;
}

function mergeStruct(original: Json | undefined, patch: JsonObject, schema: Struct | undefined): Merged {
  const directive = patch['$patch'];
  if (directive !== undefined && directive !== 'merge') {
    if (directive === 'replace') return clean(withoutKey(patch, '$patch')) as JsonObject;
    if (directive === 'delete') return DELETE;
    throw new StrategicPatchError(500, `unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
  }
  const result: JsonObject = isObject(original) ? { ...original } : {};
  const orders = new Map<string, Json[]>();
  let retain: string[] | undefined;

  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (key === '$retainKeys') {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new StrategicPatchError(400, 'invalid patch format of retainKeys');
      retain = value as string[];
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(value)) throw new StrategicPatchError(400, 'invalid patch format of primitive list');
      const current = result[field];
      if (Array.isArray(current)) {
        const kept = current.filter((item) => !value.some((v) => deepEqual(v, item)));
        if (kept.length) result[field] = kept;
        else delete result[field];
      }
      continue;
    }
    if (key.startsWith('$setElementOrder/')) {
      if (!Array.isArray(value)) throw new StrategicPatchError(400, 'invalid patch format of setElementOrder list');
      orders.set(key.slice('$setElementOrder/'.length), value);
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const field = schema?.[key];
    if (Array.isArray(value)) {
      result[key] = mergeListField(result[key], value, field);
    } else if (isObject(value)) {
      const sub = mergeStruct(result[key], value, subSchema(field));
      if (sub === DELETE) delete result[key];
      else result[key] = sub;
    } else {
      result[key] = value;
    }
  }

  for (const [field, order] of orders) {
    const list = result[field];
    if (Array.isArray(list)) result[field] = reorder(list, order, schema?.[field]);
  }
  if (retain) {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith('$') && patch[key] !== null && !retain.includes(key)) {
        throw new StrategicPatchError(422, "patch content doesn't match retainKeys list");
      }
    }
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function subSchema(field: Field | undefined): Struct | undefined {
  if (!field) return undefined;
  switch (field.t) {
    case 'struct':
      return field.of();
    case 'map':
    case 'mergeList':
    case 'setList':
    case 'atomic':
      return undefined;
  }
}

function mergeListField(original: Json | undefined, patch: Json[], field: Field | undefined): Json[] {
  if (!field) return patch.map(clean);
  switch (field.t) {
    case 'mergeList':
      return mergeKeyedList(Array.isArray(original) ? original : [], patch, field.key, field.of);
    case 'setList': {
      const out = Array.isArray(original) ? [...original] : [];
      for (const item of patch) if (!out.some((o) => deepEqual(o, item))) out.push(item);
      return out;
    }
    case 'struct':
    case 'map':
    case 'atomic':
      return patch.map(clean);
  }
}

function mergeKeyedList(original: Json[], patch: Json[], mergeKey: string, of: (() => Struct) | undefined): Json[] {
  const replaceAll = patch.some((item) => isObject(item) && item['$patch'] === 'replace' && Object.keys(item).length === 1);
  if (replaceAll) return patch.filter((item) => !(isObject(item) && item['$patch'] === 'replace' && Object.keys(item).length === 1)).map(clean);
  const out = [...original];
  for (const item of patch) {
    if (!isObject(item)) throw new StrategicPatchError(500, `unable to find api field in struct for the json field ${goFormat(item)}`);
    const keyValue = item[mergeKey];
    if (keyValue === undefined) {
      throw new StrategicPatchError(500, `map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
    }
    const matchAt = (o: Json): boolean => isObject(o) && deepEqual(o[mergeKey], keyValue);
    if (item['$patch'] === 'delete') {
      for (let i = out.length - 1; i >= 0; i--) if (matchAt(out[i]!)) out.splice(i, 1);
      continue;
    }
    const at = out.findIndex(matchAt);
    const merged = mergeStruct(at >= 0 ? out[at] : undefined, item, of?.());
    if (merged === DELETE) {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = merged;
    else out.push(merged);
  }
  return out;
}

/** $setElementOrder: listed items in the given order, the server's other items after them. */
function reorder(list: Json[], order: Json[], field: Field | undefined): Json[] {
  const key = field?.t === 'mergeList' ? field.key : undefined;
  const keyOf = (x: Json): Json => (key && isObject(x) ? (x[key] ?? null) : x);
  const wanted = order.map(keyOf);
  const ordered: Json[] = [];
  for (const w of wanted) {
    const found = list.find((x) => deepEqual(keyOf(x), w) && !ordered.includes(x));
    if (found !== undefined) ordered.push(found);
  }
  return [...ordered, ...list.filter((x) => !ordered.includes(x))];
}

/** A patch value stored as is: directives and explicit nulls removed, nested maps cleaned. */
function clean(value: Json): Json {
  if (Array.isArray(value)) return value.map(clean);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$') || v === null) continue;
    out[k] = clean(v);
  }
  return out;
}

function withoutKey(o: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = o;
  return rest;
}

/** Go's %v for decoded JSON: `map[a:1 b:[x y]]`, keys sorted. */
export function goFormat(v: Json | undefined): string {
  if (v === undefined || v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}
