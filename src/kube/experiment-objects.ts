/**
 * An experiment's Deployments and Services. Each Deployment runs the stable Deployment's pod template
 * (specRef stable) or the run's desired one (specRef canary), without the track label (the track
 * Services must not select its pods) and with EXPERIMENT_LABEL naming it (its selector keeps it
 * apart from the track Deployments); each Service selects exactly its pods. All carry the marker and
 * EXPERIMENT_OF_LABEL, which is how a runner finds what a dead one left.
 */
import type { DesiredWorkload, ExperimentDeployment, ExperimentObjects, ExperimentWorkload } from '../engine/ports.js';
import type { ResolvedRollout } from '../manifests/types.js';
import { UsageError } from '../util/errors.js';
import type { KubeClient, KubeObject } from './client.js';
import { deploymentName, type Deployment } from './deployment-spec.js';
import { isNotFound } from './errors.js';
import { claim, markerLabels, REVISION_ANNOTATION, TRACK_LABEL } from './ownership.js';
import { podProblem, type Pod } from './pod-problems.js';
import { Deployments, Pods, Services } from './resources.js';

/** On an experiment's Deployment, Service and pods: the Deployment's name. */
export const EXPERIMENT_LABEL = 'canary-rollouts/experiment';
/** On an experiment's Deployment and Service: the Rollout it was made for. */
export const EXPERIMENT_OF_LABEL = 'canary-rollouts/experiment-of';
const POD_TEMPLATE_HASH = 'pod-template-hash';

type Service = KubeObject & { spec?: { selector?: Record<string, string> } };

/** The label selection observe() and watch() share, so that a watch-backed client serves both. */
export function experimentSelector(rollout: string): string {
  return `${EXPERIMENT_OF_LABEL}=${rollout}`;
}

export function experimentPodSelector(): string {
  return EXPERIMENT_LABEL;
}

export async function observeExperiments(client: KubeClient, ns: string, rollout: string): Promise<ExperimentObjects> {
  const [deployments, services] = await Promise.all([
    client.list<Deployment>(Deployments, ns, { labelSelector: experimentSelector(rollout) }),
    client.list<Service>(Services, ns, { labelSelector: experimentSelector(rollout) }),
  ]);
  const pods = deployments.items.length ? (await client.list<Pod>(Pods, ns, { labelSelector: experimentPodSelector() })).items : [];
  return {
    deployments: deployments.items.map((d) => statusOf(d, pods)),
    services: services.items.map((s) => ({ name: s.metadata.name, experiment: s.metadata.labels?.[EXPERIMENT_LABEL] ?? null })),
  };
}

function statusOf(d: Deployment, pods: readonly Pod[]): ExperimentDeployment {
  const mine = pods.filter((p) => p.metadata.labels?.[EXPERIMENT_LABEL] === d.metadata.name);
  const replicas = d.spec?.replicas ?? 1;
  const available = d.status?.availableReplicas ?? 0;
  return {
    name: d.metadata.name,
    replicas,
    available,
    observed: (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0),
    podTemplateHash: mine.map((p) => p.metadata.labels?.[POD_TEMPLATE_HASH]).find((h): h is string => !!h) ?? null,
    problem: available >= replicas ? null : podProblem(d, mine),
  };
}

export async function ensureExperiment(client: KubeClient, ns: string, rollout: ResolvedRollout, w: ExperimentWorkload, canary: DesiredWorkload): Promise<void> {
  const current = await client.tryGet<Deployment>(Deployments, ns, w.name);
  if (current) {
    claim(current, `Deployment ${ns}/${w.name}`, false);
    if ((current.spec?.replicas ?? 1) !== w.replicas) await client.patch(Deployments, ns, w.name, { type: 'merge', body: { spec: { replicas: w.replicas } } });
  } else {
    const template = w.specRef === 'canary' ? { template: canary.template, revision: canary.revision } : await stableTemplate(client, ns, rollout.name);
    await client.create(Deployments, ns, experimentDeployment(rollout, ns, w, template));
  }
  if (w.service === null) return;
  const svc = await client.tryGet<Service>(Services, ns, w.service);
  if (svc) {
    claim(svc, `Service ${ns}/${w.service}`, false);
    // A Service named in the template (service.name) outlives its revision's experiment when a run
    // was cut short: it selects the earlier experiment's pods until it is pointed at this one's.
    if (svc.metadata.labels?.[EXPERIMENT_LABEL] !== w.name || svc.spec?.selector?.[EXPERIMENT_LABEL] !== w.name) {
      await client.patch(Services, ns, w.service, { type: 'merge', body: { metadata: { labels: { [EXPERIMENT_LABEL]: w.name } }, spec: { selector: { [EXPERIMENT_LABEL]: w.name } } } });
    }
    return;
  }
  await client.create(Services, ns, experimentService(rollout, ns, w));
}

export async function deleteExperimentObject(client: KubeClient, ns: string, kind: 'Deployment' | 'Service', name: string): Promise<void> {
  try {
    await client.delete(kind === 'Deployment' ? Deployments : Services, ns, name, undefined, 'Background');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The stable Deployment's pod template, as the stable revision runs it. */
async function stableTemplate(client: KubeClient, ns: string, rollout: string): Promise<{ template: Record<string, unknown>; revision: string }> {
  const name = deploymentName(rollout, 'stable');
  const stable = await client.tryGet<Deployment>(Deployments, ns, name);
  const template = stable?.spec?.template as Record<string, unknown> | undefined;
  if (!stable || !template) {
    throw new UsageError(`experiment template with specRef stable: Deployment ${ns}/${name} not found`, { hint: 'an experiment needs a stable revision: deploy one first (canary run without a previous revision deploys it)' });
  }
  return { template, revision: stable.metadata.annotations?.[REVISION_ANNOTATION] ?? '' };
}

export function experimentDeployment(rollout: ResolvedRollout, ns: string, w: ExperimentWorkload, source: { template: Record<string, unknown>; revision: string }): Deployment {
  const { labels, annotations, ...restMeta } = (source.template['metadata'] ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  const podLabels: Record<string, string> = { ...labels, ...w.labels, [EXPERIMENT_LABEL]: w.name };
  delete podLabels[TRACK_LABEL];
  const own = w.selector ?? rollout.selector;
  const selector = { matchLabels: { ...own.matchLabels, ...w.labels, [EXPERIMENT_LABEL]: w.name }, ...(own.matchExpressions.length ? { matchExpressions: own.matchExpressions } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: w.name,
      namespace: ns,
      labels: { ...markerLabels(rollout.name), [EXPERIMENT_OF_LABEL]: rollout.name, [EXPERIMENT_LABEL]: w.name },
      annotations: { [REVISION_ANNOTATION]: source.revision },
    },
    spec: {
      replicas: w.replicas,
      selector,
      template: {
        ...source.template,
        metadata: { ...restMeta, labels: podLabels, annotations: { ...annotations, ...w.annotations, [REVISION_ANNOTATION]: source.revision } },
      },
      minReadySeconds: rollout.minReadySeconds,
      progressDeadlineSeconds: Math.round(rollout.progressDeadlineMs / 1000),
    },
  };
}

/** Argo's experiment Service: the template's pods, the ports of its first container. */
function experimentService(rollout: ResolvedRollout, ns: string, w: ExperimentWorkload): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: w.service!, namespace: ns, labels: { ...markerLabels(rollout.name), [EXPERIMENT_OF_LABEL]: rollout.name, [EXPERIMENT_LABEL]: w.name } },
    spec: { selector: { [EXPERIMENT_LABEL]: w.name }, ports: servicePorts(rollout) },
  } as KubeObject;
}

function servicePorts(rollout: ResolvedRollout): { name?: string; port: number; targetPort: number | string; protocol: string }[] {
  const spec = (rollout.template as { spec?: { containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[] } }).spec;
  const ports = (spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  if (ports.length === 0) return [{ port: 80, targetPort: 80, protocol: 'TCP' }];
  return ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.containerPort, targetPort: p.containerPort, protocol: p.protocol ?? 'TCP' }));
}
