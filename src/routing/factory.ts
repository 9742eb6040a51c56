/**
 * The router for a Rollout's trafficRouting. No trafficRouting means no router at all (null): the
 * canary's weight is then carried by replica counts, which the engine already computes and
 * observes through the Workloads port; a "replicas router" would duplicate that arithmetic behind
 * a setWeight that writes nothing.
 */
import type { KubeClient } from '../kube/client.js';
import type { TrafficRouting } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import { UsageError } from '../util/errors.js';
import { GatewayApiRouter } from './gateway-api.js';
import type { TrafficRouter } from './router.js';
import { SmiRouter } from './smi.js';

export interface RouterTarget {
  /** The Rollout's name and the namespace it runs in. */
  name: string;
  namespace: string;
  stableService: string | null;
  canaryService: string | null;
}

export interface RouterOptions {
  /** Take over a TrafficSplit of the Rollout's name that canary did not create. */
  adopt?: boolean;
}

export function createRouter(spec: TrafficRouting, rollout: RouterTarget, client: KubeClient, options: RouterOptions = {}): TrafficRouter | null {
  switch (spec.kind) {
    case 'none':
      return null;
    case 'smi': {
      const { stableService, canaryService } = services(rollout);
      return new SmiRouter({
        client,
        namespace: rollout.namespace,
        rollout: rollout.name,
        trafficSplitName: spec.trafficSplitName,
        rootService: spec.rootService,
        stableService,
        canaryService,
        adopt: options.adopt ?? false,
      });
    }
    case 'gatewayAPI': {
      const { stableService, canaryService } = services(rollout);
      return new GatewayApiRouter({
        client,
        namespace: spec.namespace ?? rollout.namespace,
        routes: spec.httpRoutes,
        servicesNamespace: rollout.namespace,
        stableService,
        canaryService,
      });
    }
    default:
      return assertNever(spec, 'trafficRouting');
  }
}

/** Validation requires both Services with trafficRouting; this guards callers that skipped it. */
function services(r: RouterTarget): { stableService: string; canaryService: string } {
  if (!r.stableService || !r.canaryService) {
    throw new UsageError(`Rollout ${r.namespace}/${r.name}: traffic routing needs both canaryService and stableService`);
  }
  return { stableService: r.stableService, canaryService: r.canaryService };
}
