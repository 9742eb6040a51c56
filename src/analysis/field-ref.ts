/**
 * `valueFrom.fieldRef.fieldPath` against the Rollout: `metadata.*` the way the Kubernetes downward
 * API reads it, anything else as a path into the Rollout object (Argo's extractValueFromRollout).
 */
import type { JsonValue } from '../manifests/types.js';

export type FieldValue = { ok: true; value: string } | { ok: false; message: string };

export function readFieldPath(rollout: JsonValue, fieldPath: string): FieldValue {
  return fieldPath.startsWith('metadata') ? downwardApi(rollout, fieldPath) : objectPath(rollout, fieldPath);
}

function downwardApi(rollout: JsonValue, fieldPath: string): FieldValue {
  const meta = asObject(asObject(rollout)?.['metadata']) ?? {};
  const subscripted = /^(metadata\.(?:labels|annotations))\[['"]?([^'"\]]+)['"]?\]$/.exec(fieldPath);
  if (subscripted) {
    const map = asObject(meta[subscripted[1] === 'metadata.labels' ? 'labels' : 'annotations']) ?? {};
    const v = map[subscripted[2]!];
    return { ok: true, value: typeof v === 'string' ? v : '' };
  }
  switch (fieldPath) {
    case 'metadata.name':
    case 'metadata.namespace':
    case 'metadata.uid': {
      const v = meta[fieldPath.slice('metadata.'.length)];
      return { ok: true, value: typeof v === 'string' ? v : '' };
    }
    case 'metadata.labels':
    case 'metadata.annotations':
      return { ok: true, value: formatMap(asObject(meta[fieldPath.slice('metadata.'.length)]) ?? {}) };
    default:
      return { ok: false, message: `unsupported fieldPath: ${fieldPath}` };
  }
}

/** `key="value"` lines in key order, as the downward API formats a whole map. */
function formatMap(m: Record<string, JsonValue>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${JSON.stringify(String(m[k]))}`)
    .join('\n');
}

function objectPath(rollout: JsonValue, fieldPath: string): FieldValue {
  let node: JsonValue | undefined = rollout;
  for (const section of fieldPath.split(/[.[\]]+/)) {
    if (section === '') continue;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(section)) return { ok: false, message: `invalid index '${section}' in fieldPath ${fieldPath}` };
      const i = Number(section);
      if (i >= node.length) return { ok: false, message: `index ${i} out of range in fieldPath ${fieldPath}` };
      node = node[i];
    } else if (node !== null && typeof node === 'object') {
      node = node[section];
    } else {
      return { ok: false, message: `invalid path ${fieldPath} in rollout` };
    }
  }
  if (node === undefined || node === null) return { ok: false, message: `invalid path ${fieldPath} in rollout` };
  if (typeof node === 'object') return { ok: false, message: `path ${fieldPath} in rollout must terminate in a primitive value` };
  return { ok: true, value: String(node) };
}

function asObject(v: JsonValue | undefined): Record<string, JsonValue> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
}
