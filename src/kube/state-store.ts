/**
 * The StateStore on the run ConfigMap `NAME-canary-run` (layout in run-configmap.ts). The runner's
 * save is a merge patch of `state.json` with a resourceVersion precondition; clients add their own
 * `request.<id>.json` key with a merge patch and no precondition, so a request never conflicts with
 * the runner and is never erased by it: when the runner's save loses a race (409), it re-reads and
 * re-applies, unless the state itself was written by another runner (fencing, below).
 */
import type { StateStore, StoredRun } from '../engine/ports.js';
import type { RunRequest, RunState } from '../engine/types.js';
import { messageOf, UnreachableError, UsageError } from '../util/errors.js';
import type { KubeClient } from './client.js';
import { retryConflicts } from './conflict.js';
import { isConflict, isNotFound, LostOwnershipError } from './errors.js';
import { markerLabels } from './ownership.js';
import { ConfigMaps } from './resources.js';
import { checkSize, decodeRun, emptyRun, handledKeys, MANIFESTS_KEY, parseState, requestKey, runConfigMapName, STATE_KEY, type RunConfigMap } from './run-configmap.js';

export interface StateStoreOptions {
  client: KubeClient;
  namespace: string;
  rollout: string;
  maxBytes?: number;
  /** Told (once per distinct message) when the watch keeps failing or a change cannot be read. */
  warn?: (message: string) => void;
}

/** A runner's save retries this many lost races (each a fresh read) before reporting the cluster busy. */
const SAVE_ATTEMPTS = 20;

export class ConfigMapStateStore implements StateStore {
  readonly name: string;
  private readonly what: string;
  /** The ConfigMap as last read or written by this store; null: read it first; 'absent': not there. */
  private current: RunConfigMap | 'absent' | null = null;
  /** Who wrote the state this runner took over (from load()); only until its own first save. */
  private basis: string | null = null;
  private saved = false;

  constructor(private readonly o: StateStoreOptions) {
    this.name = runConfigMapName(o.rollout);
    this.what = `ConfigMap ${o.namespace}/${this.name}`;
  }

  async load(): Promise<StoredRun> {
    const cm = await this.refresh();
    if (cm === 'absent') return emptyRun();
    const run = decodeRun(cm, this.what);
    if (!this.saved) this.basis = run.state?.owner ?? null;
    return run;
  }

  async save(state: RunState, options: { manifests?: string } = {}): Promise<void> {
    const json = JSON.stringify(state);
    for (let attempt = 1; ; attempt++) {
      const cm = this.current ?? (await this.refresh());
      try {
        this.current = cm === 'absent' ? await this.create(json, options.manifests) : await this.patch(cm, state, json, options.manifests);
        this.saved = true;
        return;
      } catch (err) {
        if (!(isConflict(err) || isNotFound(err))) throw err;
        if (attempt >= SAVE_ATTEMPTS) {
          throw new UnreachableError(`${this.what}: the run state could not be saved: ${SAVE_ATTEMPTS} writes in a row lost a race`, { cause: err, retryable: true });
        }
        this.current = null;
      }
    }
  }

  async request(req: RunRequest): Promise<void> {
    const body = { data: { [requestKey(req.id)]: JSON.stringify(req) } };
    await retryConflicts({ what: this.what }, async () => {
      try {
        await this.o.client.patch(ConfigMaps, this.o.namespace, this.name, { type: 'merge', body });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        throw new UsageError(`no run of Rollout ${this.o.namespace}/${this.o.rollout} is recorded (${this.what} not found)`, {
          hint: 'start one with: canary run',
        });
      }
    });
  }

  watch(onChange: (run: StoredRun) => void, signal: AbortSignal): void {
    const warned = new Set<string>();
    const warn = (m: string) => {
      if (!warned.has(m)) this.o.warn?.(m);
      warned.add(m);
    };
    this.o.client.follow<RunConfigMap>(
      { resource: ConfigMaps, namespace: this.o.namespace, fieldSelector: `metadata.name=${this.name}` },
      (e) => {
        try {
          if (e.type !== 'DELETED') this.seen(e.object);
          onChange(e.type === 'DELETED' ? emptyRun() : decodeRun(e.object, this.what));
        } catch (err) {
          warn(messageOf(err));
        }
      },
      signal,
      { onError: (err) => warn(`watching ${this.what}: ${messageOf(err)}`) },
    );
  }

  /**
   * The ConfigMap as a watch delivered it becomes the basis of the next save: the save that answers
   * an abort then goes through at once, where its precondition on the version before the request
   * failed (409) and cost a read and a second write on the way to weight 0 (issue 15). Never an
   * older version than the one held (a save's answer can arrive before the watch's events up to it);
   * a basis that is out of date anyway only costs that 409 and re-read, as before.
   */
  private seen(cm: RunConfigMap): void {
    const held = this.current !== null && this.current !== 'absent' ? this.current.metadata.resourceVersion : undefined;
    const next = cm.metadata.resourceVersion;
    if (held && next && /^\d+$/.test(held) && /^\d+$/.test(next) && BigInt(next) < BigInt(held)) return;
    this.current = cm;
  }

  private async refresh(): Promise<RunConfigMap | 'absent'> {
    this.current = (await this.o.client.tryGet<RunConfigMap>(ConfigMaps, this.o.namespace, this.name)) ?? 'absent';
    return this.current;
  }

  private async create(json: string, manifests: string | undefined): Promise<RunConfigMap> {
    const data: Record<string, string> = { [STATE_KEY]: json, ...(manifests !== undefined ? { [MANIFESTS_KEY]: manifests } : {}) };
    checkSize(data, this.what, this.o.maxBytes);
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: this.name, namespace: this.o.namespace, labels: markerLabels(this.o.rollout) }, data };
    // AlreadyExists (409): another runner created it in between; save() re-reads and fences.
    return this.o.client.create<RunConfigMap>(ConfigMaps, this.o.namespace, body);
  }

  private async patch(cm: RunConfigMap, state: RunState, json: string, manifests: string | undefined): Promise<RunConfigMap> {
    this.fence(cm, state);
    const current = cm.data ?? {};
    const data: Record<string, string | null> = { [STATE_KEY]: json };
    if (manifests !== undefined) data[MANIFESTS_KEY] = manifests;
    for (const key of handledKeys(current, state)) data[key] = null;
    checkSize({ ...current, ...data }, this.what, this.o.maxBytes);
    const body = { metadata: { resourceVersion: cm.metadata.resourceVersion }, data };
    return this.o.client.patch<RunConfigMap>(ConfigMaps, this.o.namespace, this.name, { type: 'merge', body });
  }

  /**
   * A runner may overwrite the stored state only if it wrote it itself, or, before its first save,
   * if it is the state it loaded when taking the Lease over (its previous owner may still be
   * writing: the Lease says who is right). Anything else means another runner took over since.
   */
  private fence(cm: RunConfigMap, state: RunState): void {
    const text = cm.data?.[STATE_KEY];
    if (!text) return;
    const stored = parseState(text, this.what);
    if (stored.owner === state.owner) return;
    if (!this.saved && stored.owner === this.basis) return;
    throw new LostOwnershipError(
      `${this.what}: the run state was written by ${stored.owner} (run ${stored.runId}) since ${state.owner} last saved it: another runner took this rollout over`,
    );
  }
}
