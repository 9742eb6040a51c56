/**
 * The Workloads port on Deployments and Services: `NAME-stable` and `NAME-canary` built from the
 * Rollout's template (deployment-spec.ts), their status and the first pod problem, and the track
 * label in the stable/canary Services' selectors. The root Service is never touched.
 */
import type { DesiredWorkload, ExperimentObjects, ExperimentWorkload, Observation, Track, Workloads, WorkloadStatus } from '../engine/ports.js';
import { deleteExperimentObject, ensureExperiment, experimentPodSelector, experimentSelector, observeExperiments } from './experiment-objects.js';
import { canonicalJson } from '../engine/revision.js';
import { hasExperiments, trackServiceFields, trackServices } from '../manifests/strategy.js';
import type { ResolvedRollout } from '../manifests/types.js';
import { messageOf, UsageError } from '../util/errors.js';
import type { KubeClient, KubeObject } from './client.js';
import { retryConflicts } from './conflict.js';
import { covers, deploymentName, desiredDeployment, selectorString, trackSelector, type Deployment } from './deployment-spec.js';
import { isForbidden, isInvalid, isNotFound } from './errors.js';
import { claim, markerLabels, MANAGED_BY_LABEL, MANAGER, REVISION_ANNOTATION, TRACK_LABEL } from './ownership.js';
import { podProblem, type Pod } from './pod-problems.js';
import { Deployments, Pods, Services } from './resources.js';
import type { WatchTarget } from './watch.js';

export interface WorkloadsOptions {
  client: KubeClient;
  namespace: string;
  rollout: ResolvedRollout;
  /** Take over Deployments of canary's names that canary did not create. */
  adopt?: boolean;
  /** Told (once per distinct message) when a watch keeps failing; watching goes on. */
  warn?: (message: string) => void;
}

type Service = KubeObject & { spec?: { selector?: Record<string, string> } };

const TRACKS: readonly Track[] = ['stable', 'canary'];

export class KubeWorkloads implements Workloads {
  private readonly client: KubeClient;
  private readonly ns: string;
  /** Whether a Rollout without experiment steps still looks for what earlier ones left. */
  private lookForLeftovers = true;

  constructor(private readonly o: WorkloadsOptions) {
    this.client = o.client;
    this.ns = o.namespace;
  }

  /** Preflight: both Deployments absent, or canary's (or adoptable) with the selector canary needs. No writes. */
  async check(): Promise<void> {
    for (const track of TRACKS) {
      const current = await this.client.tryGet<Deployment>(Deployments, this.ns, this.name(track));
      if (current) this.admit(track, current);
    }
  }

  async observe(): Promise<Pick<Observation, 'stable' | 'canary' | 'services' | 'referenced' | 'experiment'>> {
    const ref = this.o.rollout.workloadRef;
    const [stable, canary, stableSvc, canarySvc, referenced, experiment] = await Promise.all([
      this.client.tryGet<Deployment>(Deployments, this.ns, this.name('stable')),
      this.client.tryGet<Deployment>(Deployments, this.ns, this.name('canary')),
      this.service('stable'),
      this.service('canary'),
      ref ? this.client.tryGet<Deployment>(Deployments, this.ns, ref.name) : Promise.resolve(null),
      hasExperiments(this.o.rollout.strategy) ? observeExperiments(this.client, this.ns, this.o.rollout.name) : this.leftoverExperiments(),
    ]);
    const unsettled = [stable, canary].some((d) => d && !settled(d));
    const pods = unsettled ? (await this.client.list<Pod>(Pods, this.ns, { labelSelector: this.podSelector() })).items : [];
    return {
      stable: stable && statusOf(stable, pods),
      canary: canary && statusOf(canary, pods),
      services: { stable: trackOf(stableSvc), canary: trackOf(canarySvc) },
      referenced: referenced && { replicas: referenced.spec?.replicas ?? 1, available: referenced.status?.availableReplicas ?? 0 },
      experiment,
    };
  }

  /**
   * Without experiment steps: what experiments of this Rollout left when its steps were removed
   * between runs (the engine deletes whatever no step wants). Looked for until none is found; not
   * at all where the Role grants no list on them (examples/rbac.yaml's experiment rules do).
   */
  private async leftoverExperiments(): Promise<ExperimentObjects> {
    const none: ExperimentObjects = { deployments: [], services: [] };
    if (!this.lookForLeftovers) return none;
    try {
      const found = await observeExperiments(this.client, this.ns, this.o.rollout.name);
      if (found.deployments.length === 0 && found.services.length === 0) this.lookForLeftovers = false;
      return found;
    } catch (err) {
      if (!isForbidden(err)) throw err;
      this.lookForLeftovers = false;
      return none;
    }
  }

  ensureExperiment(workload: ExperimentWorkload, canary: DesiredWorkload): Promise<void> {
    return ensureExperiment(this.client, this.ns, this.o.rollout, workload, canary);
  }

  deleteExperimentObject(kind: 'Deployment' | 'Service', name: string): Promise<void> {
    return deleteExperimentObject(this.client, this.ns, kind, name);
  }

  async ensure(track: Track, desired: DesiredWorkload): Promise<void> {
    const want = desiredDeployment(this.o.rollout, this.ns, track, desired);
    await retryConflicts({ what: this.describe(track) }, async () => {
      const current = await this.client.tryGet<Deployment>(Deployments, this.ns, this.name(track));
      if (!current) {
        await this.client.create(Deployments, this.ns, want);
        return;
      }
      const how = this.admit(track, current);
      if (how === 'ours' && covers(current, want)) return;
      const next: Deployment = {
        ...current,
        metadata: {
          ...current.metadata,
          labels: { ...current.metadata.labels, ...want.metadata.labels },
          annotations: { ...current.metadata.annotations, ...want.metadata.annotations },
        },
        spec: want.spec!,
      };
      await this.client.replace(Deployments, this.ns, this.name(track), next);
    });
  }

  async scale(track: Track, replicas: number): Promise<void> {
    const name = this.name(track);
    await retryConflicts({ what: this.describe(track) }, async () => {
      try {
        // One request, refused by the server unless the Deployment carries canary's marker.
        const guard = { op: 'test' as const, path: `/metadata/labels/${MANAGED_BY_LABEL.replace('/', '~1')}`, value: MANAGER };
        await this.client.patch(Deployments, this.ns, name, { type: 'json', ops: [guard, { op: 'add', path: '/spec/replicas', value: replicas }] });
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isInvalid(err)) throw err;
        const current = await this.client.tryGet<Deployment>(Deployments, this.ns, name);
        if (!current) return;
        // Adopted now, or marked by a concurrent ensure() since the guarded patch: either way canary's.
        const labels = this.admit(track, current) === 'adopt' ? markerLabels(this.o.rollout.name) : undefined;
        await this.client.patch(Deployments, this.ns, name, { type: 'merge', body: { metadata: { labels }, spec: { replicas } } });
      }
    });
  }

  async route(service: Track, track: Track): Promise<void> {
    const name = this.serviceName(service);
    if (!name) return;
    try {
      await this.client.patch(Services, this.ns, name, { type: 'merge', body: { spec: { selector: { [TRACK_LABEL]: track } } } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      throw new UsageError(`Service ${this.ns}/${name} (the Rollout's ${trackServiceFields(this.o.rollout.strategy)[service]}) not found`, {
        cause: err,
        hint: 'create it, or pass --apply-services with its manifest',
      });
    }
  }

  /** Argo scales the referenced Deployment with an update of spec.replicas; a merge patch does the same in one request. */
  async scaleReferenced(replicas: number): Promise<void> {
    const ref = this.o.rollout.workloadRef;
    if (!ref) return;
    try {
      await this.client.patch(Deployments, this.ns, ref.name, { type: 'merge', body: { spec: { replicas } } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  watch(onChange: () => void, signal: AbortSignal): void {
    const warned = new Set<string>();
    const onError = (err: unknown) => {
      const m = `watching the workloads of Rollout ${this.ns}/${this.o.rollout.name}: ${messageOf(err)}`;
      if (!warned.has(m)) this.o.warn?.(m);
      warned.add(m);
    };
    // The same selections observe() reads (each Deployment and Service by name, the pods by label):
    // a client that reads from watches serves both from one watch each.
    const go = (target: WatchTarget) => this.client.follow(target, () => onChange(), signal, { onError });
    for (const track of TRACKS) go({ resource: Deployments, namespace: this.ns, fieldSelector: `metadata.name=${this.name(track)}` });
    go({ resource: Pods, namespace: this.ns, labelSelector: this.podSelector() });
    if (hasExperiments(this.o.rollout.strategy)) {
      go({ resource: Deployments, namespace: this.ns, labelSelector: experimentSelector(this.o.rollout.name) });
      go({ resource: Services, namespace: this.ns, labelSelector: experimentSelector(this.o.rollout.name) });
      go({ resource: Pods, namespace: this.ns, labelSelector: experimentPodSelector() });
    }
    for (const s of TRACKS) {
      const name = this.serviceName(s);
      if (name) go({ resource: Services, namespace: this.ns, fieldSelector: `metadata.name=${name}` });
    }
  }

  private admit(track: Track, current: Deployment): 'ours' | 'adopt' {
    const how = claim(current, this.describe(track), this.o.adopt ?? false);
    const want = trackSelector(this.o.rollout.selector, track);
    const have = current.spec?.selector ?? {};
    if (!sameSelector(have, want)) {
      throw new UsageError(
        `${this.describe(track)} selects ${selectorString(have as never) || 'nothing'}, but canary needs ${selectorString(want)}; a Deployment's selector cannot be changed`,
        { hint: `delete it (kubectl delete deployment ${this.name(track)} -n ${this.ns}; its pods go with it) and run again` },
      );
    }
    return how;
  }

  private podSelector(): string {
    return `${selectorString(this.o.rollout.selector)},${TRACK_LABEL}`;
  }

  private async service(s: Track): Promise<Service | null> {
    const name = this.serviceName(s);
    return name ? this.client.tryGet<Service>(Services, this.ns, name) : null;
  }

  private serviceName(s: Track): string | null {
    return trackServices(this.o.rollout.strategy)[s];
  }

  private name(track: Track): string {
    return deploymentName(this.o.rollout.name, track);
  }

  private describe(track: Track): string {
    return `Deployment ${this.ns}/${this.name(track)}`;
  }
}

function sameSelector(a: { matchLabels?: unknown; matchExpressions?: unknown }, b: { matchLabels?: unknown; matchExpressions?: unknown }): boolean {
  const norm = (s: typeof a) => canonicalJson({ matchLabels: s.matchLabels ?? {}, matchExpressions: s.matchExpressions ?? [] });
  return norm(a) === norm(b);
}

/** `kubectl rollout status` done: every pod updated and available, no old pod left. */
function settled(d: Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const updated = d.status?.updatedReplicas ?? 0;
  return updated >= want && (d.status?.replicas ?? 0) <= updated && (d.status?.availableReplicas ?? 0) >= want;
}

/** What a Deployment says of itself, read the same way by the runner and by `canary status`. */
export function deploymentCounts(d: Deployment): Pick<WorkloadStatus, 'revision' | 'images' | 'replicas' | 'current' | 'updated' | 'ready' | 'available'> {
  return {
    revision: d.metadata.annotations?.[REVISION_ANNOTATION] ?? null,
    images: (d.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
    replicas: d.spec?.replicas ?? 1,
    current: d.status?.replicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    ready: d.status?.readyReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
  };
}

function statusOf(d: Deployment, pods: readonly Pod[]): WorkloadStatus {
  const counts = deploymentCounts(d);
  const track = d.metadata.labels?.[TRACK_LABEL];
  const mine = pods.filter((p) => p.metadata.labels?.[TRACK_LABEL] === track && (counts.revision === null || p.metadata.annotations?.[REVISION_ANNOTATION] === counts.revision));
  return {
    ...counts,
    observed: (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0),
    problem: settled(d) ? null : podProblem(d, mine),
  };
}

function trackOf(svc: Service | null): Track | null {
  const t = svc?.spec?.selector?.[TRACK_LABEL];
  return t === 'stable' || t === 'canary' ? t : null;
}
