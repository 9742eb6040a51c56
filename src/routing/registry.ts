/**
 * Every router canary speaks, by the `trafficRouting` kind the manifest parser produces. Adding a
 * router: a definition file in this folder and one entry here; the mapped type makes this object
 * fail to compile until the new kind has its entry.
 */
import type { Permission } from '../kube/permissions.js';
import type { KubeClient } from '../kube/client.js';
import { trackServices } from '../manifests/strategy.js';
import type { RolloutSpec, TrafficRouting } from '../manifests/types.js';
import { serviceSwitch } from './service-switch.js';
import type { ExperimentWeights, RouteSupport, RouterDefinition, RouterOptions, RouterTarget, RoutingKind } from './definition.js';
import { gatewayApi } from './gateway-api.js';
import { istio } from './istio.js';
import { nginx } from './nginx.js';
import { traefik } from './traefik.js';
import { replicaWeighted } from './replica-weighted.js';
import type { TrafficRouter } from '../engine/ports.js';
import { smi } from './smi.js';

export const ROUTERS: { readonly [K in RoutingKind]: RouterDefinition<K> } = {
  smi,
  gatewayAPI: gatewayApi,
  istio,
  nginx,
  traefik,
  none: replicaWeighted,
};

/** A Rollout's router, described: its definition bound to the Rollout's routing and Services. */
export interface Route {
  readonly objectKind: string | null;
  /** Header and mirror routes the router writes; null: none (its definition declares none). */
  readonly managedRoutes: RouteSupport | null;
  /** Why it writes none, when its definition says. */
  readonly noManagedRoutes: string | null;
  /** The route objects that take header and mirror rules; [] for a router without them. */
  headerTargets(): string[];
  /** Whether experiment template weights reach their Services through this router. */
  readonly experimentWeights: ExperimentWeights;
  describe(): string;
  objects(): string[];
  writes(): string[];
  permissions(): Permission[];
  services(): string[];
  checkApi(client: KubeClient): Promise<string>;
  create(client: KubeClient, options?: RouterOptions): TrafficRouter | null;
}

/** The router of `rollout` running in `namespace`; a blue-green rollout's is its Service switch. */
export function routeOf(rollout: Pick<RolloutSpec, 'name' | 'strategy'>, namespace: string): Route {
  const strategy = rollout.strategy;
  const routing: TrafficRouting = strategy.kind === 'canary' ? strategy.trafficRouting : { kind: 'none' };
  const services = trackServices(strategy);
  const target: RouterTarget = { name: rollout.name, namespace, stableService: services.stable, canaryService: services.canary };
  // The registry's type ties each kind to its definition; indexing it by a union loses that link.
  const def = (strategy.kind === 'blueGreen' ? serviceSwitch : ROUTERS[routing.kind]) as RouterDefinition<RoutingKind>;
  return {
    objectKind: def.objectKind,
    managedRoutes: def.managedRoutes ?? null,
    noManagedRoutes: (def.managedRoutes === undefined ? def.noManagedRoutes : undefined) ?? null,
    experimentWeights: def.experimentWeights,
    headerTargets: () => (def.managedRoutes ? def.headerTargets(routing, target) : []),
    describe: () => def.describe(routing, target),
    objects: () => def.objects(routing, target),
    writes: () => def.writes(routing, target),
    permissions: () => def.permissions(routing, target),
    services: () => def.services(routing, target),
    checkApi: (client) => def.checkApi(client),
    create: (client, options = {}) => def.create(routing, target, client, options),
  };
}
