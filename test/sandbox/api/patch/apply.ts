/**
 * Applying a PATCH body to an object with the real server's error mapping per patch type
 * (k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
 * - JSON patch: undecodable body 400 (Go's message); a failed operation, `test` included,
 *   422 Invalid "the server rejected our request due to an error in our request" (the library's
 *   own message is not returned; it goes to the request log here);
 * - merge patch: undecodable body 400 "Invalid JSON Patch";
 * - strategic merge patch: undecodable body 400 (Go's message); directive errors 400/422/500.
 */
import { ApiError, badRequest, genericInvalid } from '../errors.js';
import { GoJsonError, goTypeError, parseGoJson } from '../go-json.js';
import { applyJsonPatch, JsonPatchError, type Operation } from './json-patch.js';
import { isObject, type Json, type JsonObject } from './json-value.js';
import { mergePatch } from './merge.js';
import { strategicMergePatch, StrategicPatchError } from './strategic.js';
import { schemaFor } from './strategic-schema.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export type PatchType = typeof JSON_PATCH | typeof MERGE_PATCH | typeof STRATEGIC_MERGE_PATCH;

/** The patch types served for a type: strategic merge only for built-in types, as on a real server. */
export function patchTypesFor(builtin: boolean): PatchType[] {
  return builtin ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH] : [JSON_PATCH, MERGE_PATCH];
}

const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * `current` patched by `body`; `kind` picks the strategic-merge schema. `note` receives details
 * the answer does not carry (the JSON-patch library message).
 */
export function applyPatch(type: PatchType, current: JsonObject, body: string, kind: string, note: (s: string) => void): JsonObject {
  switch (type) {
    case JSON_PATCH:
      return applyJson(current, body, note);
    case MERGE_PATCH:
      return applyMerge(current, body);
    case STRATEGIC_MERGE_PATCH:
      return applyStrategic(current, body, kind);
  }
}

function applyJson(current: JsonObject, body: string, note: (s: string) => void): JsonObject {
  let ops: unknown;
  try {
    ops = parseGoJson(body);
    if (!Array.isArray(ops)) throw goTypeError(ops, 'jsonpatch.Patch');
    const bad = ops.find((op) => !isObject(op) && op !== null);
    if (bad !== undefined) throw goTypeError(bad, 'jsonpatch.Operation');
  } catch (e) {
    if (e instanceof GoJsonError) throw badRequest(e.message);
    throw e;
  }
  const list = (ops as (Operation | null)[]).map((op) => op ?? {});
  if (list.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${list.length}`);
  }
  let patched: Json;
  try {
    patched = applyJsonPatch(current, list);
  } catch (e) {
    if (!(e instanceof JsonPatchError)) throw e;
    note(`json patch: ${e.message}`);
    throw genericInvalid();
  }
  return asObject(patched);
}

function applyMerge(current: JsonObject, body: string): JsonObject {
  let patch: unknown;
  try {
    patch = parseGoJson(body);
  } catch (e) {
    if (e instanceof GoJsonError) throw badRequest('Invalid JSON Patch');
    throw e;
  }
  if (patch === null) throw badRequest('Invalid JSON Patch');
  return asObject(mergePatch(current, patch as Json));
}

function applyStrategic(current: JsonObject, body: string, kind: string): JsonObject {
  let patch: unknown;
  try {
    patch = parseGoJson(body);
    if (!isObject(patch)) throw goTypeError(patch, 'map[string]interface {}');
  } catch (e) {
    if (e instanceof GoJsonError) throw badRequest(e.message);
    throw e;
  }
  try {
    return strategicMergePatch(current, patch, schemaFor(kind));
  } catch (e) {
    if (!(e instanceof StrategicPatchError)) throw e;
    switch (e.code) {
      case 400:
        throw badRequest(e.message);
      case 422:
        throw new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
      case 500:
        throw new ApiError(500, '', e.message);
    }
  }
}

/** A patch result that is not an object cannot be decoded into one: 422 as the real server says it. */
function asObject(v: Json): JsonObject {
  if (isObject(v)) return v;
  const kind = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v;
  const detail = `couldn't get version/kind; json parse error: json: cannot unmarshal ${kind} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
  throw new ApiError(422, 'Invalid', ` "" is invalid: patch: Invalid value: ${JSON.stringify(JSON.stringify(v))}: ${detail}`, {
    causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(JSON.stringify(v))}: ${detail}`, field: 'patch' }],
  });
}
