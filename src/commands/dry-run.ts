/**
 * `canary run --dry-run`: the run as it would begin (opened like a real one, but only decided), its
 * plan, the preflight checks and the objects canary would write. Nothing is written.
 */
import type { Outcome } from '../contract/outcome.js';
import { write, type Io } from '../contract/io.js';
import type { MetricProvider } from '../analysis/provider.js';
import { planRun, type Plan } from '../engine/plan.js';
import { imagesOf } from '../engine/revision.js';
import { openRun } from '../engine/session.js';
import { trackServices } from '../manifests/strategy.js';
import type { JsonObject, ResolvedRollout, SpecSet } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import { renderPlan, renderPreflight } from '../output/plan.js';
import { routeOf } from '../routing/registry.js';
import { systemClock } from '../util/clock.js';
import type { Cluster } from '../wiring/cluster.js';
import type { PreflightCheck } from '../wiring/preflight.js';

export interface DryRun {
  io: Io;
  cluster: Cluster;
  spec: SpecSet;
  /** The Rollout with its namespace resolved (and its workloadRef's template read). */
  rollout: ResolvedRollout;
  template: JsonObject;
  timeScale: number;
  provider: MetricProvider;
  checks: PreflightCheck[];
}

export async function dryRun(d: DryRun): Promise<Outcome> {
  const { io, cluster, rollout } = d;
  const namespace = rollout.namespace!;
  const run = await openRun(
    { rollout, templates: d.spec.templates, template: d.template, timeScale: d.timeScale, owner: 'dry-run', retry: false, lastAliveAt: null, runId: 'dry-run', dryRun: true },
    {
      workloads: cluster.workloads(rollout, namespace),
      router: cluster.router(rollout, namespace),
      store: cluster.stateStore(rollout.name, namespace),
      events: cluster.events(rollout.name, namespace),
      provider: d.provider,
      clock: systemClock,
      secrets: cluster.secrets(),
    },
  );
  const mode = run.decision.kind === 'new' || run.decision.kind === 'resume' ? run.decision.state.mode : 'canary';
  const plan = planRun(run.facts.spec, d.spec.templates, mode, d.timeScale);
  const header = {
    rollout: `${namespace}/${rollout.name}`,
    revision: run.facts.revision,
    stableRevision: run.observed.stable?.revision ?? null,
    images: imagesOf(d.template),
    timeScale: d.timeScale,
    routing: routeOf(rollout, namespace).describe(),
    why: run.decision.why,
  };
  write(io.stdout, renderPlan(plan, header, io.palette));
  write(io.stdout, '');
  write(io.stdout, renderPreflight(d.checks, io.palette));
  write(io.stdout, '');
  write(io.stdout, await objectsToWrite(rollout, namespace, d.template, run.facts.revision, firstSize(plan)));
  const failed = d.checks.filter((c) => !c.ok && c.name !== 'lock');
  return failed.length ? 'unreachable' : 'ok';
}

/** The canary Deployment's size when the run first writes it: the first step's, or blue-green's preview. */
function firstSize(plan: Plan): number {
  switch (plan.kind) {
    case 'canary':
      return plan.steps[0]?.canaryReplicas ?? 0;
    case 'blueGreen':
      return plan.previewReplicas;
    default:
      return assertNever(plan, 'plan');
  }
}

async function objectsToWrite(rollout: ResolvedRollout, namespace: string, template: JsonObject, revision: string, firstCanary: number): Promise<string> {
  const { desiredDeployment } = await import('../kube/deployment-spec.js');
  const { stringify } = await import('yaml');
  const docs = [desiredDeployment(rollout, namespace, 'canary', { template, revision, replicas: firstCanary })];
  const services = trackServices(rollout.strategy);
  const bg = rollout.strategy.kind === 'blueGreen';
  const ref = rollout.workloadRef;
  const lines = [
    'objects canary writes:',
    `  Deployment ${namespace}/${rollout.name}-stable    (the serving version${bg ? ', behind the active Service' : ''}; created on the first deploy, rolled to the new template at promotion)`,
    `  Deployment ${namespace}/${rollout.name}-canary    (the new version${bg ? ': the preview' : ''}; first step below)`,
    ...(services.stable ? [`  Service ${namespace}/${services.stable}: selector + canary-rollouts/track=stable${bg ? ' (canary while the new revision is checked after the switch)' : ''}`] : []),
    ...(services.canary ? [`  Service ${namespace}/${services.canary}: selector + canary-rollouts/track=canary (back to stable when done)`] : []),
    ...(ref && ref.scaleDown !== 'never' ? [`  Deployment ${namespace}/${ref.name} (workloadRef): scaled to 0 ${ref.scaleDown === 'progressively' ? 'as the stable pods become ready' : 'once the first deploy is healthy'}`] : []),
    ...routeOf(rollout, namespace).writes().map((line) => `  ${line}`),
    `  ConfigMap ${namespace}/${rollout.name}-canary-run (run state), Lease ${namespace}/${rollout.name}-canary-lock, Events on the stable Deployment`,
    '',
    ...docs.map((doc) => `---\n${stringify(doc, { lineWidth: 0 })}`),
  ];
  return lines.join('\n');
}
