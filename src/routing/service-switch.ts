/**
 * Blue-green has no route object: traffic moves when the active Service's selector is switched
 * (the Workloads port does it, as for every track Service). This definition only says so in the
 * plan and preflight; it writes nothing and needs no API.
 */
import type { RouterDefinition } from './definition.js';

export const serviceSwitch: RouterDefinition<'none'> = {
  kind: 'none',
  objectKind: null,
  experimentWeights: { supported: false, why: 'blue-green has no experiment steps' },
  api: null,
  describe: (_routing, target) =>
    `blue-green: the active Service ${target.stableService ?? '?'} is switched to the new revision${target.canaryService ? `, the preview Service ${target.canaryService} shows it before` : ''}`,
  objects: () => [],
  writes: () => [],
  permissions: () => [],
  services: () => [],
  checkApi: async () => 'blue-green: Service selectors only, no route object',
  create: () => null,
};
