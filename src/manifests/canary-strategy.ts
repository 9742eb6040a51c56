/** strategy.canary, with Argo's defaults (utils/defaults/defaults.go). */
import { issue } from './issues.js';
import type { Reader } from './reader.js';
import { readAnalysisRef, readBackgroundAnalysis } from './rollout-analysis.js';
import { readIntOrPercent, readPodMetadata, ROLLOUT_DEFAULTS } from './strategy-fields.js';
import { readManagedRoutes } from './route-steps.js';
import { readSteps, routeChanges } from './steps.js';
import { readTrafficRouting } from './traffic-routing.js';
import type { CanaryStrategy, ManagedRouteName, Step } from './types.js';

export function readCanaryStrategy(r: Reader): CanaryStrategy | null {
  const c = r.object(
    {
      known: [
        'canaryService',
        'stableService',
        'trafficRouting',
        'steps',
        'analysis',
        'maxSurge',
        'maxUnavailable',
        'scaleDownDelaySeconds',
        'abortScaleDownDelaySeconds',
        'dynamicStableScale',
        'minPodsPerReplicaSet',
        'canaryMetadata',
        'stableMetadata',
      ],
      unsupported: {
        antiAffinity: 'antiAffinity between the stable and canary pods is not implemented: set affinity in the pod template',
        pingPong: 'ping-pong services are an ALB feature; canary keeps a stable and a canary Deployment',
        replicaProgressThreshold: 'replicaProgressThreshold is not implemented yet: steps wait for every canary replica',
        scaleDownDelayRevisionLimit: 'scaleDownDelayRevisionLimit: canary keeps at most one previous revision',
        canaryEphemeralMetadata: 'did you mean canaryMetadata?',
      },
    },
    { required: true },
  );
  if (!c) return null;
  const trafficRouting = readTrafficRouting(c.field('trafficRouting'));
  const managedRoutes = readManagedRoutes(c.field('trafficRouting').field('managedRoutes'));
  const steps = readSteps(c.field('steps'), readAnalysisRef, { trafficRouting: c.field('trafficRouting').present });
  checkRouteNames(c, steps, managedRoutes);
  const analysis = readBackgroundAnalysis(c.field('analysis'));
  const dynamicStableScale = c.field('dynamicStableScale').bool(false);
  // Judged by what is written: an unsupported router is reported once, not again as "no trafficRouting".
  if (!c.field('trafficRouting').present) {
    for (const field of ['scaleDownDelaySeconds', 'dynamicStableScale', 'minPodsPerReplicaSet'] as const) {
      if (c.field(field).present) c.field(field).error(`${field} applies to traffic-routed canaries only: set trafficRouting or remove it`, 'key');
    }
  } else if (dynamicStableScale && c.field('scaleDownDelaySeconds').present) {
    c.field('scaleDownDelaySeconds').error('scaleDownDelaySeconds cannot be combined with dynamicStableScale', 'key');
  }
  const maxSurge = readIntOrPercent(c.field('maxSurge'), ROLLOUT_DEFAULTS.maxSurge);
  const maxUnavailable = readIntOrPercent(c.field('maxUnavailable'), ROLLOUT_DEFAULTS.maxUnavailable);
  return {
    kind: 'canary',
    canaryService: c.field('canaryService').string(),
    stableService: c.field('stableService').string(),
    trafficRouting,
    managedRoutes,
    steps,
    analysis,
    maxSurge,
    maxUnavailable,
    scaleDownDelayMs: (c.field('scaleDownDelaySeconds').int({ min: 0 }) ?? ROLLOUT_DEFAULTS.scaleDownDelaySeconds) * 1000,
    abortScaleDownDelayMs: (c.field('abortScaleDownDelaySeconds').int({ min: 0 }) ?? ROLLOUT_DEFAULTS.abortScaleDownDelaySeconds) * 1000,
    dynamicStableScale,
    minPodsPerReplicaSet: c.field('minPodsPerReplicaSet').int({ min: 1 }) ?? ROLLOUT_DEFAULTS.minPodsPerReplicaSet,
    canaryMetadata: readPodMetadata(c.field('canaryMetadata')),
    stableMetadata: readPodMetadata(c.field('stableMetadata')),
  };
}

/** Argo's ValidateStepRouteFoundInManagedRoute, and the managedRoutes requirement, at the step's line. */
function checkRouteNames(c: Reader, steps: readonly Step[], managed: readonly ManagedRouteName[]): void {
  const declared = c.field('trafficRouting').field('managedRoutes').present;
  for (const step of steps.flatMap(routeChanges)) {
    if (managed.some((m) => m.name === step.name)) continue;
    const message = declared
      ? `route "${step.name}" is not in spec.strategy.canary.trafficRouting.managedRoutes: add {name: ${step.name}} there`
      : `${step.kind} needs spec.strategy.canary.trafficRouting.managedRoutes listing "${step.name}"`;
    c.issues.push(issue('error', step.loc, message));
  }
}
