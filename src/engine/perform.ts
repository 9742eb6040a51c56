/** How the driver carries out the machine's effects and reads the cluster, through the ports. */
import { assertNever } from '../util/assert-never.js';
import { UsageError } from '../util/errors.js';
import type { RunFacts } from './context.js';
import type { Effect, ForegroundEffect } from './effects.js';
import type { DriverPorts, Observation } from './ports.js';

export async function observe(ports: DriverPorts): Promise<Observation> {
  const [w, weight] = await Promise.all([ports.workloads.observe(), ports.router ? ports.router.getWeight() : Promise.resolve(null)]);
  const weightVerified = ports.router && weight !== null ? await ports.router.verifyWeight(weight) : null;
  const routes = ports.router?.routes ? await ports.router.routes.inPlace() : null;
  const additional = ports.router?.additional ? await ports.router.additional.inPlace() : [];
  return { ...w, weight, weightVerified, routes, additional };
}

export async function perform(effect: ForegroundEffect, ports: DriverPorts, facts: RunFacts): Promise<void> {
  switch (effect.kind) {
    case 'ensureWorkload':
      return ports.workloads.ensure(effect.track, { template: facts.template, revision: facts.revision, replicas: effect.replicas });
    case 'scale':
      return ports.workloads.scale(effect.track, effect.replicas);
    case 'routeService':
      return ports.workloads.route(effect.service, effect.track);
    case 'scaleReferenced':
      return ports.workloads.scaleReferenced(effect.replicas);
    case 'setWeight':
      if (!ports.router) return;
      if (ports.router.additional) return ports.router.setWeight(effect.weight, effect.additional);
      // Lint refuses experiment weights for such a router; [] has nothing to remove.
      if (effect.additional.length > 0) throw new UsageError(`${ports.router.describe()}: the router sends no traffic to experiment Services`);
      return ports.router.setWeight(effect.weight);
    case 'setRoutes':
      if (ports.router?.routes) return ports.router.routes.set(effect.routes);
      // Lint and preflight refuse route steps for such a router; [] has nothing to remove.
      if (effect.routes.length > 0) throw new UsageError(`${ports.router?.describe() ?? 'this Rollout'}: the router writes no header or mirror routes`);
      return;
    case 'ensureExperiment':
      return ports.workloads.ensureExperiment(effect.workload, { template: facts.template, revision: facts.revision, replicas: effect.workload.replicas });
    case 'deleteExperimentObject':
      return ports.workloads.deleteExperimentObject(effect.object, effect.name);
    default:
      return assertNever(effect, 'effect');
  }
}

export function describeEffect(e: Effect): string {
  switch (e.kind) {
    case 'ensureWorkload':
      return `updating the ${e.track} Deployment to ${e.replicas} replicas`;
    case 'scale':
      return `scaling the ${e.track} Deployment to ${e.replicas}`;
    case 'routeService':
      return `pointing the ${e.service} Service at the ${e.track} pods`;
    case 'scaleReferenced':
      return `scaling the workloadRef's Deployment to ${e.replicas}`;
    case 'setWeight':
      return `setting the canary weight to ${e.weight}%${e.additional.map((d) => `, ${d.weight}% to ${d.service}`).join('')}`;
    case 'setRoutes':
      return e.routes.length === 0 ? 'removing the header and mirror routes' : `setting the ${e.routes.map((r) => `${r.kind} route ${r.name}`).join(', ')}`;
    case 'ensureExperiment':
      return `creating the experiment Deployment ${e.workload.name} (${e.workload.replicas} ${e.workload.replicas === 1 ? 'replica' : 'replicas'})`;
    case 'deleteExperimentObject':
      return `deleting the experiment ${e.object} ${e.name}`;
    case 'resolveAnalysis':
      return `resolving analysis ${e.runId}`;
    case 'measure':
      return `measuring ${e.metric}`;
  }
}
