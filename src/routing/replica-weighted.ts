/**
 * No trafficRouting: no router at all. The canary's weight is carried by replica counts, which the
 * engine already computes and observes through the Workloads port; a "replicas router" would
 * duplicate that arithmetic behind a setWeight that writes nothing.
 */
import type { RouterDefinition } from './definition.js';

export const replicaWeighted: RouterDefinition<'none'> = {
  kind: 'none',
  objectKind: null,
  experimentWeights: { supported: false, why: 'Argo: experiment template weight cannot be set unless trafficRouting is enabled (replica counts carry the canary weight)' },
  api: null,
  describe: () => 'replica-weighted (no trafficRouting)',
  objects: () => [],
  writes: () => [],
  permissions: () => [],
  services: () => [],
  checkApi: async () => "no trafficRouting: replica-weighted (the canary's share of pods approximates the weight)",
  create: () => null,
};
