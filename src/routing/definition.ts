/**
 * What a router knows about itself, so that no other folder has to: the object it writes, the API
 * it speaks, the permissions it needs, how it reads in the dry-run plan, and how to build its
 * adapter. One definition per `trafficRouting` kind, registered in registry.ts; preflight, the
 * dry run, status and the wiring ask the registry.
 */
import type { KubeClient } from '../kube/client.js';
import type { Permission } from '../kube/permissions.js';
import type { ApiResource } from '../kube/resources.js';
import type { TrafficRouting } from '../manifests/types.js';
import { UsageError } from '../util/errors.js';
import type { RouteWriter, TrafficRouter } from '../engine/ports.js';

/** `smi`, `gatewayAPI`, `none`: the kinds the manifest parser produces. */
export type RoutingKind = TrafficRouting['kind'];
export type RoutingOf<K extends RoutingKind> = Extract<TrafficRouting, { kind: K }>;

/** The Rollout a router serves. */
export interface RouterTarget {
  /** The Rollout's name and the namespace it runs in. */
  name: string;
  namespace: string;
  stableService: string | null;
  canaryService: string | null;
}

export interface RouterOptions {
  /** Take over a route object of canary's name that canary did not create (where the router creates it). */
  adopt?: boolean;
}

/** The custom resource a router writes, as discovery and RBAC see it. */
export interface RouteApi {
  group: string;
  /** canary's order of preference: the first one the cluster serves is spoken. */
  versions: readonly string[];
  resource(version: string): ApiResource;
}

/** Which of Argo's managed routes a router writes (setHeaderRoute, setMirrorRoute). */
export interface RouteSupport {
  header: boolean;
  mirror: boolean;
  /** How a mirror match's `method` can be matched: HTTPRoute knows only exact methods. */
  methodMatch: 'exact' | 'any';
}

/**
 * A router's description. Methods take the Rollout's routing and target; registry.ts binds them
 * (routeOf) so callers never switch on the kind. A router declares header and mirror routes with
 * `managedRoutes`, and the compiler then requires its adapter to carry them (`routes`); without the
 * declaration (the default) lint and preflight refuse route steps for it.
 */
export type RouterDefinition<K extends RoutingKind> = WeightRouterDefinition<K> | RoutesRouterDefinition<K>;

/** A router that writes weights only. */
export interface WeightRouterDefinition<K extends RoutingKind> extends RouterBase<K> {
  readonly managedRoutes?: undefined;
  /** Why it has no header or mirror routes, for lint (e.g. SMI: a TrafficSplit splits by weight only). */
  readonly noManagedRoutes?: string;
  create(routing: RoutingOf<K>, target: RouterTarget, client: KubeClient, options: RouterOptions): TrafficRouter | null;
}

/** A router that also writes header and/or mirror routes: its adapter must have `routes`. */
export interface RoutesRouterDefinition<K extends RoutingKind> extends RouterBase<K> {
  readonly managedRoutes: RouteSupport;
  /** The route objects that take header and mirror rules (the Gateway API plugin's useHeaderRoutes). */
  headerTargets(routing: RoutingOf<K>, target: RouterTarget): string[];
  create(routing: RoutingOf<K>, target: RouterTarget, client: KubeClient, options: RouterOptions): TrafficRouter & { readonly routes: RouteWriter };
}

/**
 * Whether the router sends experiment templates' `weight` to their Services (Argo's
 * additionalDestinations); when it does not, why, for lint to say at the template's weight.
 */
export type ExperimentWeights = { readonly supported: true } | { readonly supported: false; readonly why: string };

interface RouterBase<K extends RoutingKind> {
  readonly kind: K;
  /** Experiment template weights: an adapter of a supporting router has `additional` (engine/ports.ts). */
  readonly experimentWeights: ExperimentWeights;
  /** The kind of object whose weights are written (`TrafficSplit`); null when replica counts carry the weight. */
  readonly objectKind: string | null;
  /** The API the adapter speaks; null when it needs none. `install` says what to do when it is not served. */
  readonly api: (RouteApi & { install: string }) | null;
  /** One line for the plan, e.g. `SMI TrafficSplit apps/myapp (root Service myapp)`. */
  describe(routing: RoutingOf<K>, target: RouterTarget): string;
  /** Names of the route objects, in the order the adapter reads them (status shows the first). */
  objects(routing: RoutingOf<K>, target: RouterTarget): string[];
  /** What the dry run lists under "objects canary writes", one line per object. */
  writes(routing: RoutingOf<K>, target: RouterTarget): string[];
  /** Every permission the adapter's requests need; preflight asks for each, examples/rbac.yaml grants them. */
  permissions(routing: RoutingOf<K>, target: RouterTarget): Permission[];
  /** Services the route needs besides the stable and canary ones (SMI's root Service). */
  services(routing: RoutingOf<K>, target: RouterTarget): string[];
  /** Preflight: the API is served. Resolves with what was found; rejects with an error that has a hint. No writes. */
  checkApi(client: KubeClient): Promise<string>;
}

/** The stable and canary Services, which validation requires with trafficRouting; this guards callers that skipped it. */
export function routedServices(t: RouterTarget): { stableService: string; canaryService: string } {
  if (!t.stableService || !t.canaryService) {
    throw new UsageError(`Rollout ${t.namespace}/${t.name}: traffic routing needs both canaryService and stableService`);
  }
  return { stableService: t.stableService, canaryService: t.canaryService };
}
