/**
 * The two Deployments as the status shows them: per-object status icons, the images with their
 * (stable)/(canary) tags, the replica counters of Argo's header and the actual canary weight.
 */
import type { StrategyKind } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import type { DeploymentView, ImageView, ObjectStatus, PodView, ReplicasView, ServiceView, Track, WeightView, WorkloadTag } from './model.js';
import { ICON } from './icons.js';
import type { DeploymentInfo, PodInfo, RouteInfo, StatusInput } from './types.js';

export function deploymentViews(input: Pick<StatusInput, 'stable' | 'canary'>, strategy: StrategyKind, services: readonly ServiceView[]): DeploymentView[] {
  const out: DeploymentView[] = [];
  // Newest first, as Argo lists revisions.
  if (input.canary) out.push(deploymentView(input.canary, 'canary', tagsOf('canary', strategy, services)));
  if (input.stable) out.push(deploymentView(input.stable, 'stable', tagsOf('stable', strategy, services)));
  return out;
}

/**
 * Argo's INFO tags. A canary's Deployments are its tracks; blue-green's canary Deployment is the
 * preview stack, and the active tag follows the active Service's selector.
 */
export function tagsOf(track: Track, strategy: StrategyKind, services: readonly ServiceView[]): WorkloadTag[] {
  switch (strategy) {
    case 'canary':
      return [track];
    case 'blueGreen': {
      const active = services.find((s) => s.role === 'activeService')?.selects === track;
      return [track === 'stable' ? 'stable' : 'preview', ...(active ? (['active'] as const) : [])];
    }
    default:
      return assertNever(strategy, 'strategy');
  }
}

/** An experiment's Deployments: canary's, of neither track (tagged by their template, the name's last part). */
export function experimentDeploymentViews(deployments: readonly DeploymentInfo[]): DeploymentView[] {
  return [...deployments].sort((a, b) => a.name.localeCompare(b.name)).map((d) => deploymentView(d, 'canary', []));
}

function deploymentView(d: DeploymentInfo, track: Track, tags: WorkloadTag[]): DeploymentView {
  return {
    name: d.name,
    track,
    tags,
    revision: d.revision,
    images: [...d.images],
    replicas: d.replicas,
    current: d.current,
    updated: d.updated,
    ready: d.ready,
    available: d.available,
    ageMs: d.ageMs ?? null,
    status: deploymentStatus(d),
    pods: [...d.pods].sort((a, b) => a.name.localeCompare(b.name)).map(podView),
  };
}

export function deploymentStatus(d: DeploymentInfo): ObjectStatus {
  if (d.replicas === 0 && d.current === 0) return { icon: ICON.scaledDown, text: 'ScaledDown' };
  if (d.available >= d.replicas && d.updated >= d.replicas && d.current <= d.replicas) return { icon: ICON.healthy, text: 'Healthy' };
  return { icon: ICON.progressing, text: 'Progressing' };
}

function podView(p: PodInfo): PodView {
  return { name: p.name, ready: p.ready, phase: p.phase, restarts: p.restarts, reason: p.reason, ageMs: p.ageMs, status: podStatus(p) };
}

/** kubectl-argo-rollouts' podIcon over what kubectl prints in a pod's STATUS column. */
export function podStatus(p: PodInfo): ObjectStatus {
  const text = p.reason ?? (p.phase === 'Succeeded' ? 'Completed' : p.phase);
  if (text.startsWith('Init:')) return { icon: ICON.progressing, text };
  if (text.startsWith('Signal:') || text.startsWith('ExitCode:')) return { icon: ICON.failed, text };
  switch (text) {
    case 'Running':
      return { icon: p.ready ? ICON.healthy : ICON.progressing, text };
    case 'Completed':
      return { icon: ICON.healthy, text };
    case 'Pending':
    case 'Terminating':
    case 'ContainerCreating':
    case 'PodInitializing':
      return { icon: ICON.progressing, text };
    case 'Failed':
    case 'CrashLoopBackOff':
    case 'InvalidImageName':
    case 'OOMKilled':
      return { icon: ICON.failed, text };
    case 'ImagePullBackOff':
    case 'RegistryUnavailable':
      return { icon: ICON.error, text };
    case 'Unknown':
      return { icon: ICON.unknown, text };
    default:
      if (text.endsWith('Error') || text.startsWith('Err')) return { icon: ICON.error, text };
      return { icon: p.ready ? ICON.healthy : ICON.unknown, text };
  }
}

/** Why pods are not ready, each reason once: "CrashLoopBackOff", "ImagePullBackOff, OOMKilled". */
export function podProblems(d: DeploymentInfo | null): string | null {
  if (!d) return null;
  const reasons = [...new Set(d.pods.filter((p) => !p.ready && p.reason !== null).map((p) => p.reason!))];
  return reasons.length ? reasons.join(', ') : null;
}

/**
 * Argo's header: stable images first; an image both Deployments run is tagged (canary, stable).
 * Blue-green tags them (preview), (stable, active) as `get rollout` does.
 */
export function imageViews(input: Pick<StatusInput, 'stable' | 'canary' | 'state'>, runActive: boolean, tags: (track: Track) => WorkloadTag[]): ImageView[] {
  const tagged = new Map<string, Set<WorkloadTag>>();
  const tag = (images: readonly string[], track: Track) => {
    for (const image of images) for (const t of tags(track)) tagged.set(image, (tagged.get(image) ?? new Set<WorkloadTag>()).add(t));
  };
  const { stable, canary, state } = input;
  if (stable) tag(stable.images, 'stable');
  else if (state && state.mode !== 'initial') tag(state.images.stable, 'stable');
  // A canary Deployment scaled to zero serves nothing: its images are not "the canary".
  if (canary) {
    if (canary.replicas > 0 || canary.current > 0) tag(canary.images, 'canary');
  } else if (state && runActive && state.mode === 'canary') tag(state.images.canary, 'canary');
  return [...tagged].map(([image, set]) => ({ image, tags: (['canary', 'preview', 'stable', 'active'] as const).filter((t) => set.has(t)) }));
}

/**
 * Argo's Replicas block. Updated counts the pods of the run's revision, wherever they are. Without
 * the Rollout's spec.replicas, Desired is stable's size (traffic-routed or blue-green: stable stays
 * full) or the sum of both (replica-weighted: the two share the replicas).
 */
export function replicasView(input: Pick<StatusInput, 'stable' | 'canary' | 'route' | 'desiredReplicas'>, revision: string | null, strategy: StrategyKind): ReplicasView {
  const all = [input.stable, input.canary].filter((d): d is DeploymentInfo => d !== null);
  const sum = (f: (d: DeploymentInfo) => number) => all.reduce((n, d) => n + f(d), 0);
  const shared = strategy === 'canary' && input.route.kind === 'none';
  const fallback = shared ? sum((d) => d.replicas) : (input.stable ?? input.canary)?.replicas ?? 0;
  const ofRevision = revision === null ? (input.stable ? [input.stable] : []) : all.filter((d) => d.revision === revision);
  return {
    desired: input.desiredReplicas ?? fallback,
    current: sum((d) => d.current),
    updated: ofRevision.reduce((n, d) => n + d.updated, 0),
    ready: sum((d) => d.ready),
    available: sum((d) => d.available),
  };
}

/** Traffic-routed: the weight on the route object. Otherwise the canary's share of available pods (Argo's basic canary). */
export function actualWeight(route: RouteInfo, stable: DeploymentInfo | null, canary: DeploymentInfo | null): WeightView {
  if (route.kind !== 'none') return { value: route.weight, source: 'route' };
  const canaryAvailable = canary?.available ?? 0;
  const total = canaryAvailable + (stable?.available ?? 0);
  return { value: total === 0 ? null : Math.floor((canaryAvailable * 100) / total), source: 'pods' };
}
