/**
 * JSON merge patch (RFC 7386): objects merge key by key, null deletes a key, anything else
 * (arrays included) replaces. How the real server patches custom resources and plain JSON.
 */
import { isObject, type Json } from './json-value.js';

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: { [key: string]: Json } = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
