/**
 * Gathers what `canary status` shows, in one pass over the cluster: the run ConfigMap, the Lease,
 * both Deployments with their pods, and the route object. The view itself is src/status (pure).
 */
import type { Deployment } from '../kube/deployment-spec.js';
import { MANAGED_BY_LABEL, MANAGER, TRACK_LABEL, ROLLOUT_LABEL } from '../kube/ownership.js';
import type { Pod } from '../kube/pod-problems.js';
import type { KubeObject } from '../kube/client.js';
import { isForbidden } from '../kube/errors.js';
import { ConfigMaps, Deployments, Pods, Services } from '../kube/resources.js';
import { hasExperiments, trackServiceFields, trackServices } from '../manifests/strategy.js';
import { experimentPodSelector, experimentSelector } from '../kube/experiment-objects.js';
import type { ServiceView } from '../status/model.js';
import { decodeRun, type RunConfigMap } from '../kube/run-configmap.js';
import { deploymentCounts } from '../kube/workloads.js';
import { readStoredRollout } from '../manifests/stored-rollout.js';
import type { RolloutSpec } from '../manifests/types.js';
import { routeOf } from '../routing/registry.js';
import { experimentWorkloads } from '../engine/experiment-workloads.js';
import type { RunState } from '../engine/types.js';
import type { DeploymentInfo, PodInfo, RouteInfo, StatusInput } from '../status/types.js';
import type { Cluster } from './cluster.js';

export interface StatusTarget {
  name: string;
  namespace: string;
  revisionWanted?: string;
}

export async function gatherStatus(all: Cluster, t: StatusTarget, now: number): Promise<{ input: StatusInput; rollout: RolloutSpec | null }> {
  const cluster = all.viewing();
  const store = cluster.stateStore(t.name, t.namespace);
  const lock = cluster.lock(t.name, t.namespace);
  // Reads the runner's Role allows (Deployments listed by label or read by name, pods listed).
  // All at once; the route object, named by the stored manifests, as soon as the run ConfigMap is in.
  const loaded = store.load();
  const routed = loaded.then(async (stored) => {
    const rollout = stored.manifests ? rolloutOf(stored.manifests, t.namespace) : null;
    const [route, services, experiment] = await Promise.all([
      routeInfo(cluster, rollout, t.namespace).then((r) => withExperimentDeployments(r, rollout, stored.state)),
      rollout ? serviceViews(cluster, rollout, t.namespace) : [],
      rollout && hasExperiments(rollout.strategy) ? experimentInfo(cluster, t.name, t.namespace, now) : undefined,
    ]);
    return { rollout, route, services, experiment };
  });
  const [stored, holder, { stable, canary }, pods, { rollout, route, services, experiment }] = await Promise.all([
    loaded,
    lock.holder(),
    trackDeployments(cluster, t.name, t.namespace),
    cluster.client.list<Pod>(Pods, t.namespace, { labelSelector: TRACK_LABEL }),
    routed,
  ]);
  const info = (d: Deployment | null) => (d ? deploymentInfo(d, pods.items, now) : null);
  return {
    rollout,
    input: {
      name: t.name,
      namespace: t.namespace,
      now,
      state: stored.state,
      lease: { holder },
      stable: info(stable),
      canary: info(canary),
      route,
      ...(experiment ? { experiment } : {}),
      ...(t.revisionWanted ? { revisionWanted: t.revisionWanted } : {}),
      requests: stored.requests,
      desiredReplicas: rollout?.replicas ?? null,
      strategy: rollout?.strategy.kind ?? null,
      services,
    },
  };
}

/**
 * The rollout's stable and canary Deployments (those carrying its label), in one list by that label:
 * a connection and a request fewer in status's first round than a GET of each (issue 15). The Role
 * lists Deployments for experiment steps (examples/rbac.yaml); where it may not, a GET of each.
 */
async function trackDeployments(cluster: Cluster, name: string, namespace: string): Promise<{ stable: Deployment | null; canary: Deployment | null }> {
  const ours = (d: Deployment | null) => (d && d.metadata.labels?.[ROLLOUT_LABEL] === name ? d : null);
  try {
    const { items } = await cluster.client.list<Deployment>(Deployments, namespace, { labelSelector: `${ROLLOUT_LABEL}=${name}` });
    const named = (track: string) => items.find((d) => d.metadata.name === `${name}-${track}`) ?? null;
    return { stable: named('stable'), canary: named('canary') };
  } catch (err) {
    if (!isForbidden(err)) throw err;
    const [stable, canary] = await Promise.all(['stable', 'canary'].map((track) => cluster.client.tryGet<Deployment>(Deployments, namespace, `${name}-${track}`)));
    return { stable: ours(stable ?? null), canary: ours(canary ?? null) };
  }
}

/** Every run canary recorded in a namespace (null: all), with its Lease: what `canary status` lists. */
export async function listRuns(all: Cluster, namespace: string | null, now: number): Promise<StatusInput[]> {
  const cluster = all.viewing();
  const cms = await cluster.client.list<RunConfigMap>(ConfigMaps, namespace, { labelSelector: `${MANAGED_BY_LABEL}=${MANAGER},${ROLLOUT_LABEL}` });
  const runs = cms.items.filter((c) => c.metadata.name.endsWith('-canary-run'));
  return Promise.all(
    runs.map(async (cm): Promise<StatusInput> => {
      const ns = cm.metadata.namespace ?? namespace ?? 'default';
      const name = cm.metadata.labels?.[ROLLOUT_LABEL] ?? cm.metadata.name.replace(/-canary-run$/, '');
      const run = decodeRun(cm, `ConfigMap ${ns}/${cm.metadata.name}`);
      const rollout = run.manifests ? rolloutOf(run.manifests, ns) : null;
      const [holder, weight] = await Promise.all([cluster.lock(name, ns).holder().catch(() => null), actualWeightOf(cluster, rollout, name, ns, now)]);
      return { name, namespace: ns, now, state: run.state, lease: { holder }, ...weight, requests: run.requests };
    }),
  );
}

/**
 * What the list's ACTUAL column needs, read as the detail view reads it: the route object's weight,
 * or without one the two Deployments' available pods (their pods are not listed here).
 */
async function actualWeightOf(cluster: Cluster, rollout: RolloutSpec | null, name: string, namespace: string, now: number): Promise<Pick<StatusInput, 'route' | 'stable' | 'canary'>> {
  const route = await routeInfo(cluster, rollout, namespace);
  if (route.kind !== 'none' || !rollout) return { route, stable: null, canary: null };
  const get = (track: string) => cluster.client.tryGet<Deployment>(Deployments, namespace, `${name}-${track}`).catch(() => null);
  const [stable, canary] = await Promise.all([get('stable'), get('canary')]);
  const info = (d: Deployment | null) => (d && d.metadata.labels?.[ROLLOUT_LABEL] === name ? deploymentInfo(d, [], now) : null);
  return { route, stable: info(stable), canary: info(canary) };
}

function rolloutOf(manifests: string, namespace: string): RolloutSpec | null {
  try {
    return readStoredRollout(manifests, namespace);
  } catch {
    return null;
  }
}

/**
 * The route object's weights. Read through the API version the disk cache remembers; when that
 * finds nothing, through the version the server names now (the cluster may have been upgraded, or
 * is another one behind the same URL), so that a stale cache never shows a missing route object.
 */
async function routeInfo(cluster: Cluster, rollout: RolloutSpec | null, namespace: string): Promise<RouteInfo> {
  const info = await readRoute(cluster, rollout, namespace);
  if (info.weight !== null || !cluster.client.forgetCachedDiscovery()) return info;
  return readRoute(cluster, rollout, namespace);
}

async function readRoute(cluster: Cluster, rollout: RolloutSpec | null, namespace: string): Promise<RouteInfo> {
  if (!rollout) return { kind: 'none', name: null, weight: null };
  const route = routeOf(rollout, namespace);
  const router = cluster.router(rollout, namespace);
  if (!route.objectKind || !router) return { kind: 'none', name: null, weight: null };
  let weight: number | null = null;
  let managedRoutes: string[] = [];
  let additional: { service: string; weight: number }[] = [];
  try {
    // Independent reads of the route object, at once: one round trip instead of three.
    const [w, routes, extra] = await Promise.all([router.getWeight(), router.routes?.inPlace() ?? [], router.additional?.inPlace() ?? []]);
    weight = w;
    managedRoutes = [...new Set(routes.map((r) => r.name).filter((n) => n !== ''))];
    additional = extra.filter((d) => d.service !== '');
  } catch {
    weight = null;
  }
  return { kind: route.objectKind, name: route.objects()[0] ?? null, weight, managedRoutes, ...(additional.length ? { additional } : {}) };
}

/**
 * The experiment Deployment each weighted template's Service on the route object is for, from the
 * run's own manifests: a template's `service.name` (examples/experiment/) is not its Deployment's name.
 */
export function withExperimentDeployments(route: RouteInfo, rollout: RolloutSpec | null, state: RunState | null): RouteInfo {
  const ex = state?.experiment;
  const step = rollout?.strategy.kind === 'canary' && ex ? rollout.strategy.steps[ex.stepIndex] : undefined;
  if (!route.additional || !ex || step?.kind !== 'experiment') return route;
  const deploymentOf = new Map(experimentWorkloads(ex.name, step.experiment).flatMap((w) => (w.service ? [[w.service, w.name] as const] : [])));
  return { ...route, additional: route.additional.map((a) => (deploymentOf.has(a.service) ? { ...a, deployment: deploymentOf.get(a.service)! } : a)) };
}

/** The experiments' Deployments with their pods (list permission comes with experiment steps); [] if they cannot be read. */
async function experimentInfo(cluster: Cluster, name: string, namespace: string, now: number): Promise<DeploymentInfo[]> {
  try {
    const [deployments, pods] = await Promise.all([
      cluster.client.list<Deployment>(Deployments, namespace, { labelSelector: experimentSelector(name) }),
      cluster.client.list<Pod>(Pods, namespace, { labelSelector: experimentPodSelector() }),
    ]);
    return deployments.items.map((d) => deploymentInfo(d, pods.items, now));
  } catch {
    return [];
  }
}

/** The track Services and the track each selects: blue-green's active and preview selectors. */
async function serviceViews(cluster: Cluster, rollout: RolloutSpec, namespace: string): Promise<ServiceView[]> {
  const names = trackServices(rollout.strategy);
  const fields = trackServiceFields(rollout.strategy);
  const views = (['stable', 'canary'] as const).map(async (track): Promise<ServiceView | null> => {
    const name = names[track];
    if (!name) return null;
    const svc = await cluster.client.tryGet<KubeObject & { spec?: { selector?: Record<string, string> } }>(Services, namespace, name).catch(() => null);
    const selects = svc?.spec?.selector?.[TRACK_LABEL];
    return { name, role: fields[track], selects: selects === 'stable' || selects === 'canary' ? selects : null };
  });
  return (await Promise.all(views)).filter((v): v is ServiceView => v !== null);
}

function deploymentInfo(d: Deployment, pods: readonly Pod[], now: number): DeploymentInfo {
  const track = d.metadata.labels?.[TRACK_LABEL];
  const selector = (d.spec?.selector?.matchLabels ?? {}) as Record<string, string>;
  const mine = pods.filter((p) => p.metadata.labels?.[TRACK_LABEL] === track && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
  const created = Date.parse(d.metadata.creationTimestamp ?? '');
  return {
    name: d.metadata.name,
    ...deploymentCounts(d),
    pods: mine.map((p) => podInfo(p, now)).sort((a, b) => a.name.localeCompare(b.name)),
    ageMs: Number.isFinite(created) ? Math.max(0, now - created) : null,
  };
}

function podInfo(p: Pod, now: number): PodInfo {
  const statuses = p.status?.containerStatuses ?? [];
  const reason =
    statuses.map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason ?? null).find((r) => r && r !== 'ContainerCreating') ??
    statuses.map((c) => (c.lastState?.terminated?.reason === 'OOMKilled' ? 'OOMKilled' : null)).find(Boolean) ??
    null;
  const created = Date.parse(p.metadata.creationTimestamp ?? '');
  return {
    name: p.metadata.name,
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    phase: p.status?.phase ?? 'Unknown',
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    reason,
    ageMs: Number.isFinite(created) ? Math.max(0, now - created) : 0,
  };
}
