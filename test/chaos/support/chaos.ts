/**
 * What the reliability suite shares: the e2e harness (sandbox with real Prometheus, the built binary
 * as a child process) plus a recorder of everything the runner wrote, as the API server stored it
 * (every TrafficSplit weight, every run state), so that tests can check invariants over the whole
 * history rather than the end state only.
 */
import { catalog } from '../../sandbox/api/catalog.js';
import type { Sandbox } from '../../sandbox/index.js';
import type { K8sObject } from '../../sandbox/store/types.js';
import { canaryWeight } from '../../../bench/lib/world.js';

export interface StoredState {
  phase: string;
  stepIndex: number;
  stepCount: number;
  setWeight: number;
  weight: number | null;
  revision: string;
  runId: string;
  owner: string;
  message: string;
  history: { at: number; reason: string; message: string }[];
  handledRequests: string[];
  updatedAt: number;
}

export interface WeightWrite {
  t: number;
  weight: number;
  /** The run state stored when the weight was written (null before any). */
  state: StoredState | null;
}

/** Records, per rollout, every distinct canary weight and every run state the store accepted. */
export class Recorder {
  readonly weights = new Map<string, WeightWrite[]>();
  readonly states = new Map<string, StoredState[]>();
  private readonly off: () => void;

  constructor(sb: Sandbox, namespace = 'apps') {
    this.off = sb.store.onChange((type, ev) => {
      if (ev.object.metadata.namespace !== namespace || ev.type === 'DELETED') return;
      const name = ev.object.metadata.name;
      if (type.resource === 'trafficsplits') {
        const w = canaryWeight(ev.object);
        if (w === null) return;
        const list = this.weights.get(name) ?? [];
        if (list.at(-1)?.weight !== w) list.push({ t: Date.now(), weight: w, state: this.states.get(name)?.at(-1) ?? null });
        this.weights.set(name, list);
      } else if (type.resource === 'configmaps' && name.endsWith('-canary-run')) {
        const json = (ev.object as K8sObject & { data?: Record<string, string> }).data?.['state.json'];
        if (!json) return;
        const rollout = name.replace(/-canary-run$/, '');
        const list = this.states.get(rollout) ?? [];
        const s = JSON.parse(json) as StoredState;
        if (list.at(-1)?.updatedAt !== s.updatedAt || list.at(-1)?.phase !== s.phase || list.at(-1)?.history.length !== s.history.length) list.push(s);
        this.states.set(rollout, list);
      }
    });
  }

  /** Weights written since `t` (ms epoch). */
  weightsSince(name: string, t: number): number[] {
    return (this.weights.get(name) ?? []).filter((w) => w.t >= t).map((w) => w.weight);
  }

  statesSince(name: string, t: number): StoredState[] {
    return (this.states.get(name) ?? []).filter((s) => s.updatedAt >= t);
  }

  close(): void {
    this.off();
  }
}

/** The history a run leaves, without what depends on timing (warnings, measurement retries). */
export function storyOf(state: StoredState): string[] {
  return state.history.filter((h) => h.reason !== 'RolloutWarning' && h.reason !== 'PodsNotReady').map((h) => (h.reason === 'TrafficWeightUpdated' || h.reason === 'RolloutStepCompleted' ? `${h.reason}: ${h.message}` : h.reason));
}

export function storedState(sb: Sandbox, name: string, namespace = 'apps'): StoredState | null {
  const cm = sb.store.tryGet(catalog.configmaps, namespace, `${name}-canary-run`) as (K8sObject & { data?: Record<string, string> }) | undefined;
  const json = cm?.data?.['state.json'];
  return json ? (JSON.parse(json) as StoredState) : null;
}

/** Every line of a process's output that looks like a JavaScript stack frame. */
export function stackFrames(text: string): string[] {
  return text.split('\n').filter((l) => /^\s+at .+(:\d+:\d+\)?|\(native\))$/.test(l) || /\bnode:internal\b/.test(l));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
