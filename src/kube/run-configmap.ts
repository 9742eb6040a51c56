/**
 * The run ConfigMap's layout: `state.json` (the RunState, versioned by `schema`), `manifests.yaml`,
 * and one `request.<id>.json` per request written by `canary abort|promote|retry`. One key per
 * request is what lets clients write without ever touching the runner's key or each other's.
 */
import type { StoredRun } from '../engine/ports.js';
import { RUN_STATE_SCHEMA, type RunRequest, type RunState } from '../engine/types.js';
import { UsageError } from '../util/errors.js';
import type { KubeObject } from './client.js';

export const STATE_KEY = 'state.json';
export const MANIFESTS_KEY = 'manifests.yaml';
const REQUEST_KEY = /^request\.(.+)\.json$/;

/** A ConfigMap holds at most 1 MiB; canary stays well below, leaving room for requests. */
export const MAX_RUN_BYTES = 900 * 1024;

export type RunConfigMap = KubeObject & { data?: Record<string, string> };

export function runConfigMapName(rollout: string): string {
  return `${rollout}-canary-run`;
}

/** `request.<id>.json`; characters a ConfigMap key cannot hold become `_`. */
export function requestKey(id: string): string {
  return `request.${id.replace(/[^-._a-zA-Z0-9]/g, '_')}.json`;
}

export function emptyRun(): StoredRun {
  return { state: null, requests: [], manifests: null };
}

/** The stored run; requests already handled (listed in the state) are left out, the rest sorted by time. */
export function decodeRun(cm: RunConfigMap, what: string): StoredRun {
  const data = cm.data ?? {};
  const state = data[STATE_KEY] ? parseState(data[STATE_KEY], what) : null;
  const handled = new Set(state?.handledRequests ?? []);
  const requests: RunRequest[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!REQUEST_KEY.test(key)) continue;
    const req = parseRequest(value);
    if (req && !handled.has(req.id)) requests.push(req);
  }
  requests.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { state, requests, manifests: data[MANIFESTS_KEY] ?? null };
}

export function parseState(text: string, what: string): RunState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${what}: ${STATE_KEY} is not JSON`, { hint: 'was it edited by hand? delete the key (or the ConfigMap) to start afresh' });
  }
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (typeof schema !== 'number') throw new UsageError(`${what}: ${STATE_KEY} is not a canary run state (no schema)`);
  if (schema > RUN_STATE_SCHEMA) {
    throw new UsageError(`${what} was written by a newer canary (run state schema ${schema}; this canary reads ${RUN_STATE_SCHEMA})`, {
      hint: 'upgrade canary to read or drive this run',
    });
  }
  // `strategy` and `services` came with blue-green: a state written before is a canary run's.
  const state = value as RunState;
  return { ...state, strategy: state.strategy ?? 'canary', services: state.services ?? { stable: null, canary: null } };
}

function parseRequest(text: string): RunRequest | null {
  try {
    const r = JSON.parse(text) as RunRequest;
    return r && typeof r.id === 'string' && typeof r.kind === 'string' && typeof r.at === 'number' ? r : null;
  } catch {
    return null;
  }
}

/** The keys of handled requests still present: the runner removes them with its next save. */
export function handledKeys(data: Record<string, string>, state: RunState): string[] {
  return state.handledRequests.map(requestKey).filter((k) => k in data);
}

/** Refuses data that would not fit, naming the biggest parts. */
export function checkSize(data: Record<string, string | null>, what: string, limit = MAX_RUN_BYTES): void {
  const sizes = Object.entries(data)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => [k, Buffer.byteLength(k) + Buffer.byteLength(v)] as const);
  const total = sizes.reduce((s, [, n]) => s + n, 0);
  if (total <= limit) return;
  const parts = [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${k} ${kib(n)}`)
    .join(', ');
  throw new UsageError(`${what}: the run state would take ${kib(total)}, over the ${kib(limit)} a ConfigMap can safely hold (${parts})`, {
    hint: 'a metric that returns many series inflates the stored measurements: narrow its query or lower measurementRetention; very large manifests count too',
  });
}

function kib(n: number): string {
  return `${Math.ceil(n / 1024)} KiB`;
}
