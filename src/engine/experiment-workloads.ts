/**
 * The objects an experiment step makes, named from the step alone: a leaf module, so that `canary
 * status` can name them without loading the engine (docs/benchmarks.md).
 */
import type { ExperimentStep, ExperimentTemplate } from '../manifests/types.js';
import type { ExperimentWorkload } from './ports.js';

/** The Deployment (and Service) of each template. */
export function experimentWorkloads(name: string, e: ExperimentStep): ExperimentWorkload[] {
  return e.templates.map((t) => workloadOf(name, t));
}

export function workloadOf(experiment: string, t: ExperimentTemplate): ExperimentWorkload {
  const name = `${experiment}-${t.name}`;
  return {
    name,
    specRef: t.specRef,
    replicas: t.replicas,
    labels: t.metadata?.labels ?? {},
    annotations: t.metadata?.annotations ?? {},
    selector: t.selector,
    service: t.service === null ? null : t.service || name,
  };
}
