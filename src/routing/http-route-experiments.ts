/**
 * Experiment backends on an HTTPRoute, as Argo's Gateway API plugin adds them (pkg/plugin/experiment.go,
 * HandleExperiment): in the first rule that splits stable and canary, one backendRef per weighted
 * experiment template's Service (in the Services' namespace, its port named `http`, else its first
 * port, else 8080), removed when the experiment ends. The plugin finds its own again through the
 * Rollout's status; canary, which has no status object, records their names in an annotation of the
 * route, so a later runner removes exactly those and never a backend someone else added. The stable
 * weight is what canary and the experiment leave of 100 (Argo's calculateWeightStatus; the plugin
 * itself writes 100 minus the experiments' only).
 */
import type { JsonPatchOp, KubeObject } from '../kube/client.js';
import type { WeightDestination } from '../engine/ports.js';
import { pointer } from './guarded-patch.js';
import type { BackendRef } from './http-route-rules.js';

export const EXPERIMENT_BACKENDS_ANNOTATION = 'canary-rollouts/experiment-backends';

/** The plugin's default when the Service has no port to copy. */
const DEFAULT_PORT = 8080;

/** The experiment Services canary added to the route (its annotation); [] when none or unreadable. */
export function experimentBackendNames(route: KubeObject): string[] {
  const raw = route.metadata.annotations?.[EXPERIMENT_BACKENDS_ANNOTATION];
  if (!raw) return [];
  try {
    const names: unknown = JSON.parse(raw);
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

/** A Service's port as the plugin picks it: the one named `http`, else the first, else 8080. */
export function backendPort(ports: readonly { name?: string; port: number }[] | undefined): number {
  return (ports ?? []).find((p) => p.name === 'http')?.port ?? ports?.[0]?.port ?? DEFAULT_PORT;
}

export interface SplitRule {
  refs: readonly BackendRef[];
  stable: number;
  canary: number;
}

/**
 * The rule's backendRefs with canary at `canary`, each wanted experiment backend at its weight
 * (added at the end when missing), the previously added ones no longer wanted removed, and stable
 * with the rest of 100. `isService(ref, name)`: the ref names that Service in the Services' namespace.
 */
export function withExperimentBackends(
  rule: SplitRule,
  canary: number,
  wanted: readonly WeightDestination[],
  previous: readonly string[],
  add: (d: WeightDestination) => BackendRef,
  isService: (ref: BackendRef, name: string) => boolean,
): BackendRef[] {
  const left = new Map(wanted.map((d) => [d.service, d]));
  const stable = 100 - canary - wanted.reduce((sum, d) => sum + d.weight, 0);
  const out: BackendRef[] = [];
  rule.refs.forEach((ref, i) => {
    if (i === rule.canary) return void out.push({ ...ref, weight: canary });
    if (i === rule.stable) return void out.push({ ...ref, weight: stable });
    const d = [...left.values()].find((x) => isService(ref, x.service));
    if (d) {
      left.delete(d.service);
      return void out.push({ ...ref, weight: d.weight });
    }
    if (previous.some((name) => isService(ref, name))) return;
    out.push(ref);
  });
  for (const d of left.values()) out.push(add(d));
  return out;
}

/** The weights of the experiment backends canary added, as the rule has them. */
export function experimentBackendsIn(rule: SplitRule, names: readonly string[], isService: (ref: BackendRef, name: string) => boolean): WeightDestination[] {
  return names.flatMap((service) => {
    const ref = rule.refs.find((r) => isService(r, service));
    return ref ? [{ service, weight: ref.weight ?? 1 }] : [];
  });
}

/** The patch operations that make the annotation list `names` (removed when empty); [] when it already does. */
export function annotationOps(route: KubeObject, names: readonly string[]): JsonPatchOp[] {
  const before = experimentBackendNames(route);
  if (JSON.stringify(before) === JSON.stringify(names) && (names.length > 0) === (route.metadata.annotations?.[EXPERIMENT_BACKENDS_ANNOTATION] !== undefined)) return [];
  const path = `/metadata/annotations/${pointer(EXPERIMENT_BACKENDS_ANNOTATION)}`;
  if (names.length === 0) return route.metadata.annotations?.[EXPERIMENT_BACKENDS_ANNOTATION] === undefined ? [] : [{ op: 'remove', path }];
  const value = JSON.stringify(names);
  if (!route.metadata.annotations) return [{ op: 'add', path: '/metadata/annotations', value: { [EXPERIMENT_BACKENDS_ANNOTATION]: value } }];
  return [{ op: 'add', path, value }];
}
