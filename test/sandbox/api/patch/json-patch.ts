/**
 * JSON patch (RFC 6902) with the behaviour of gopkg.in/evanphx/json-patch.v4, the library the real
 * API server applies patches with, including its quirks:
 * - `replace` of a missing object key adds it (only array indexes must exist);
 * - `test` of a missing path passes when the expected value is null;
 * - `test` compares objects one way (every key of the document's value must be in the expected value);
 * - negative array indexes count from the end.
 * Errors carry the library's wording; the server hides it behind a generic 422 (see handlers/patch).
 */
import { isObject, type Json, type JsonObject } from './json-value.js';

export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

export interface Operation {
  op?: unknown;
  path?: unknown;
  from?: unknown;
  value?: Json;
  [key: string]: unknown;
}

/** Arrays are edited in place (splice), so a container is just the parent value. */
type Container = { kind: 'object'; ref: JsonObject } | { kind: 'array'; ref: Json[] };

const MISSING = 'missing value';

/** Applies `ops` to a copy of `doc`. Throws JsonPatchError with evanphx's message on the first failure. */
export function applyJsonPatch(doc: Json, ops: Operation[]): Json {
  const root: { doc: Json } = { doc: structuredClone(doc) };
  for (const op of ops) {
    const kind = typeof op.op === 'string' ? op.op : 'unknown';
    switch (kind) {
      case 'add':
        add(root, op);
        break;
      case 'remove':
        remove(root, op);
        break;
      case 'replace':
        replace(root, op);
        break;
      case 'move':
        move(root, op);
        break;
      case 'copy':
        copy(root, op);
        break;
      case 'test':
        test(root, op);
        break;
      default:
        throw new JsonPatchError(`Unexpected kind: ${kind}`);
    }
  }
  return root.doc;
}

function pathOf(op: Operation, field: 'path' | 'from', what: string): string {
  const v = op[field];
  if (typeof v !== 'string') throw new JsonPatchError(`${what}: ${MISSING}`);
  return v;
}

function decodeKey(k: string): string {
  return k.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** evanphx findObject: the container holding the last segment, or undefined when a parent is missing. */
function findContainer(root: { doc: Json }, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  const parts = split.slice(1, -1).map(decodeKey);
  const key = decodeKey(split[split.length - 1]!);
  let node: Json = root.doc;
  for (const part of parts) {
    let child: Json | undefined;
    if (isObject(node)) child = node[part];
    else if (Array.isArray(node)) {
      const i = index(part);
      child = i !== undefined && i >= 0 && i < node.length ? node[i] : undefined;
    } else return undefined;
    if (child === undefined || child === null || typeof child !== 'object') return undefined;
    node = child;
  }
  if (isObject(node)) return { con: { kind: 'object', ref: node }, key };
  if (Array.isArray(node)) return { con: { kind: 'array', ref: node }, key };
  return undefined;
}

function index(key: string): number | undefined {
  return /^-?\d+$/.test(key) ? Number(key) : undefined;
}

function get(con: Container, key: string): Json | undefined {
  if (con.kind === 'object') return con.ref[key];
  const i = index(key);
  if (i === undefined) throw new JsonPatchError(`strconv.Atoi: parsing "${key}": invalid syntax`);
  if (i >= con.ref.length) throw new JsonPatchError(`Unable to access invalid index: ${i}: invalid index referenced`);
  if (i < 0) return con.ref[con.ref.length + i];
  return con.ref[i];
}

function insert(con: Container, key: string, value: Json): void {
  if (con.kind === 'object') {
    con.ref[key] = value;
    return;
  }
  if (key === '-') {
    con.ref.push(value);
    return;
  }
  let i = index(key);
  if (i === undefined) throw new JsonPatchError(`value was not a proper array index: '${key}': strconv.Atoi: parsing "${key}": invalid syntax`);
  const size = con.ref.length + 1;
  if (i >= size || i < -size) throw new JsonPatchError(`Unable to access invalid index: ${i}: invalid index referenced`);
  if (i < 0) i += size;
  con.ref.splice(i, 0, value);
}

function del(con: Container, key: string): void {
  if (con.kind === 'object') {
    if (!Object.prototype.hasOwnProperty.call(con.ref, key)) throw new JsonPatchError(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete con.ref[key];
    return;
  }
  let i = index(key);
  if (i === undefined) throw new JsonPatchError(`strconv.Atoi: parsing "${key}": invalid syntax`);
  if (i >= con.ref.length || i < -con.ref.length) throw new JsonPatchError(`Unable to access invalid index: ${i}: invalid index referenced`);
  if (i < 0) i += con.ref.length;
  con.ref.splice(i, 1);
}

function valueOf(op: Operation): Json {
  return op.value === undefined ? null : structuredClone(op.value);
}

function add(root: { doc: Json }, op: Operation): void {
  const path = pathOf(op, 'path', 'add operation failed to decode path');
  const found = findContainer(root, path);
  if (!found) throw new JsonPatchError(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  try {
    insert(found.con, found.key, valueOf(op));
  } catch (e) {
    throw new JsonPatchError(`error in add for path: '${path}': ${(e as Error).message}`);
  }
}

function remove(root: { doc: Json }, op: Operation): void {
  const path = pathOf(op, 'path', 'remove operation failed to decode path');
  const found = findContainer(root, path);
  if (!found) throw new JsonPatchError(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  try {
    del(found.con, found.key);
  } catch (e) {
    throw new JsonPatchError(`error in remove for path: '${path}': ${(e as Error).message}`);
  }
}

function replace(root: { doc: Json }, op: Operation): void {
  const path = pathOf(op, 'path', 'replace operation failed to decode path');
  const found = findContainer(root, path);
  if (!found) throw new JsonPatchError(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
  const { con, key } = found;
  if (con.kind === 'array') {
    try {
      get(con, key);
    } catch {
      throw new JsonPatchError(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
    }
    let i = index(key)!;
    if (i < 0) i += con.ref.length;
    con.ref[i] = valueOf(op);
    return;
  }
  con.ref[key] = valueOf(op);
}

function move(root: { doc: Json }, op: Operation): void {
  const from = pathOf(op, 'from', 'move operation failed to decode from');
  const src = findContainer(root, from);
  if (!src) throw new JsonPatchError(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  let value: Json | undefined;
  try {
    value = get(src.con, src.key);
    del(src.con, src.key);
  } catch (e) {
    throw new JsonPatchError(`error in move for path: '${src.key}': ${(e as Error).message}`);
  }
  const path = pathOf(op, 'path', 'move operation failed to decode path');
  const dst = findContainer(root, path);
  if (!dst) throw new JsonPatchError(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  try {
    insert(dst.con, dst.key, value ?? null);
  } catch (e) {
    throw new JsonPatchError(`error in move for path: '${path}': ${(e as Error).message}`);
  }
}

function copy(root: { doc: Json }, op: Operation): void {
  const from = pathOf(op, 'from', 'copy operation failed to decode from');
  const src = findContainer(root, from);
  if (!src) throw new JsonPatchError(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  let value: Json | undefined;
  try {
    value = get(src.con, src.key);
  } catch (e) {
    throw new JsonPatchError(`error in copy for from: '${from}': ${(e as Error).message}`);
  }
  const path = pathOf(op, 'path', 'copy operation failed to decode path');
  const dst = findContainer(root, path);
  if (!dst) throw new JsonPatchError(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  try {
    insert(dst.con, dst.key, value === undefined ? null : structuredClone(value));
  } catch (e) {
    throw new JsonPatchError(`error while adding value during copy: ${(e as Error).message}`);
  }
}

function test(root: { doc: Json }, op: Operation): void {
  const path = pathOf(op, 'path', 'test operation failed to decode path');
  const found = findContainer(root, path);
  if (!found) throw new JsonPatchError(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
  let actual: Json | undefined;
  try {
    actual = get(found.con, found.key);
  } catch (e) {
    throw new JsonPatchError(`error in test for path: '${path}': ${(e as Error).message}`);
  }
  const expected = op.value === undefined ? null : op.value;
  if (actual === undefined || actual === null) {
    if (expected === null) return;
    throw new JsonPatchError(`testing value ${path} failed: test failed`);
  }
  if (!lazyEqual(actual, expected)) throw new JsonPatchError(`testing value ${path} failed: test failed`);
}

/** evanphx lazyNode.equal: objects compare the document's keys only; arrays elementwise; scalars exactly. */
function lazyEqual(doc: Json, want: Json): boolean {
  if (isObject(doc)) {
    if (!isObject(want)) return false;
    return Object.keys(doc).every((k) => {
      if (!Object.prototype.hasOwnProperty.call(want, k)) return false;
      const a = doc[k]!;
      const b = want[k]!;
      if (a === null && b === null) return true;
      return a !== null && b !== null && lazyEqual(a, b);
    });
  }
  if (Array.isArray(doc)) return Array.isArray(want) && doc.length === want.length && doc.every((x, i) => lazyEqual(x, want[i]!));
  return doc === want;
}
