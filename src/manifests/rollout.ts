/** argoproj.io/v1alpha1 Rollout -> RolloutSpec, with Argo's defaults. Collects every problem. */
import { SENT_TRIGGERS, SUBSCRIBE_PREFIX } from './notification-config.js';
import { readBlueGreenStrategy } from './blue-green-strategy.js';
import { readCanaryStrategy } from './canary-strategy.js';
import type { Issue } from './issues.js';
import { readMetadata } from './metadata.js';
import { checkSelectorMatches, podLabels, readPodTemplate, readSelector } from './pod-template.js';
import { experimentSelectorIssues } from './experiment-step.js';
import { isRecord, Reader } from './reader.js';
import type { SourceDoc } from './source.js';
import { ROLLOUT_DEFAULTS } from './strategy-fields.js';
import type { RolloutSpec, RolloutStrategy, WorkloadRef } from './types.js';

export { ROLLOUT_DEFAULTS } from './strategy-fields.js';

export interface ReadOptions {
  /**
   * The copy stored with a run (stored.ts): a workloadRef Rollout carries the template and selector
   * resolved when it ran, which Argo's validation refuses in a manifest a person wrote.
   */
  stored?: boolean;
}

export function readRollout(doc: SourceDoc, issues: Issue[], options: ReadOptions = {}): RolloutSpec | null {
  const root = Reader.root(doc, issues).object({
    known: ['apiVersion', 'kind', 'metadata', 'spec'],
    ignored: { status: 'status is written by a controller; canary keeps its own run state' },
  });
  if (!root) return null;
  const meta = readMetadata(root, 'Rollout');
  const spec = root.field('spec').object(
    {
      known: [
        'replicas',
        'selector',
        'template',
        'workloadRef',
        'minReadySeconds',
        'revisionHistoryLimit',
        'progressDeadlineSeconds',
        'progressDeadlineAbort',
        'strategy',
      ],
      unsupported: {
        paused: 'spec.paused: use an indefinite `pause: {}` step, or `canary run --exit-on-pause`',
        restartAt: 'restartAt: restart the pods with `kubectl rollout restart deployment/<name>-stable`',
        rollbackWindow: 'rollbackWindow: canary rolls back to the stable Deployment, which always holds the last promoted revision',
      },
      ignored: {
        analysis: 'analysis run history limits have no effect: canary keeps the runs of the current rollout in its state',
      },
    },
    { required: true },
  );
  warnNotifications(root);
  if (!spec || !meta) return null;

  const replicas = spec.field('replicas').int({ min: 0 }) ?? ROLLOUT_DEFAULTS.replicas;
  const workloadRef = readWorkloadRef(spec.field('workloadRef'));
  const fromWorkload = spec.field('workloadRef').present;
  // With workloadRef the template and selector live in the Deployment (Argo: the template must be empty).
  if (fromWorkload && spec.field('template').present && !options.stored) {
    spec.field('template').error('template must be empty with workloadRef: the pod template comes from the referenced Deployment; remove one of the two', 'key');
  }
  const selector = fromWorkload && !spec.field('selector').present ? null : readSelector(spec.field('selector'));
  const template = fromWorkload && (!options.stored || !spec.field('template').present) ? null : readPodTemplate(spec.field('template'));
  if (selector && template) checkSelectorMatches(spec.field('template'), selector, template);
  const progressDeadlineSeconds = spec.field('progressDeadlineSeconds').int({ min: 1 }) ?? ROLLOUT_DEFAULTS.progressDeadlineSeconds;
  const minReadySeconds = spec.field('minReadySeconds').int({ min: 0 }) ?? 0;
  if (minReadySeconds >= progressDeadlineSeconds) {
    spec.field('progressDeadlineSeconds').error(`must be greater than minReadySeconds (${minReadySeconds})`);
  }
  const revisionHistoryLimit = spec.field('revisionHistoryLimit').int({ min: 0 }) ?? ROLLOUT_DEFAULTS.revisionHistoryLimit;
  const strategy = readStrategy(spec.field('strategy'), revisionHistoryLimit);
  if (!strategy) return null;
  if (template && strategy.kind === 'canary') spec.issues.push(...experimentSelectorIssues(strategy.steps, podLabels(template)));
  if (!fromWorkload && (!selector || !template)) return null;
  if (fromWorkload && !workloadRef) return null;
  return {
    loc: root.loc(),
    source: doc,
    name: meta.name,
    namespace: meta.namespace,
    labels: meta.labels,
    annotations: meta.annotations,
    replicas,
    selector,
    template,
    workloadRef,
    minReadySeconds,
    revisionHistoryLimit,
    progressDeadlineMs: progressDeadlineSeconds * 1000,
    progressDeadlineAbort: spec.field('progressDeadlineAbort').bool(false),
    strategy,
  };
}

/** Subscriptions (Argo's notifications, honoured by src/notify) to a trigger canary never sends have no effect. */
function warnNotifications(root: Reader): void {
  const annotations = root.field('metadata').field('annotations');
  if (!isRecord(annotations.value)) return;
  for (const key of Object.keys(annotations.value)) {
    if (key === 'notifications.argoproj.io/subscriptions') {
      annotations.field(key).warn('canary does not read this annotation: write one notifications.argoproj.io/subscribe.<trigger>.<service> annotation per trigger', 'key');
    }
    if (!key.startsWith(SUBSCRIBE_PREFIX)) continue;
    const trigger = key.slice(SUBSCRIBE_PREFIX.length).split('.')[0]!;
    if (!(SENT_TRIGGERS as readonly string[]).includes(trigger)) {
      annotations.field(key).warn(`canary does not send trigger ${trigger}: this subscription has no effect (it sends ${SENT_TRIGGERS.join(', ')})`, 'key');
    }
  }
}

const SCALE_DOWN = ['never', 'onsuccess', 'progressively'] as const;

/** spec.workloadRef: an apps/v1 Deployment (Argo also resolves PodTemplates; canary does not). */
function readWorkloadRef(r: Reader): WorkloadRef | null {
  const w = r.object({ known: ['apiVersion', 'kind', 'name', 'scaleDown'] });
  if (!w) return null;
  const apiVersion = w.field('apiVersion').string({ required: true });
  const kind = w.field('kind').string({ required: true });
  const name = w.field('name').string({ required: true });
  if (apiVersion !== null && kind !== null && (apiVersion !== 'apps/v1' || kind !== 'Deployment')) {
    w.field('kind').error(`${apiVersion} ${kind}: canary takes the pod template from an apps/v1 Deployment only`);
    return null;
  }
  const scaleDown = w.field('scaleDown').string() ?? 'never';
  if (!(SCALE_DOWN as readonly string[]).includes(scaleDown)) {
    w.field('scaleDown').error(`expected never, onsuccess or progressively, got "${scaleDown}"`);
    return null;
  }
  return name === null || apiVersion === null || kind === null ? null : { loc: w.loc(), name, scaleDown: scaleDown as WorkloadRef['scaleDown'] };
}

function readStrategy(r: Reader, revisionHistoryLimit: number): RolloutStrategy | null {
  const strategy = r.object({ known: ['canary', 'blueGreen'] }, { required: true });
  if (!strategy) return null;
  const canary = strategy.field('canary');
  const blueGreen = strategy.field('blueGreen');
  if (canary.present && blueGreen.present) {
    strategy.error('set one strategy: canary or blueGreen, not both');
    return null;
  }
  if (blueGreen.present) return readBlueGreenStrategy(blueGreen, revisionHistoryLimit);
  if (!canary.present) {
    strategy.error('required: strategy.canary or strategy.blueGreen');
    return null;
  }
  return readCanaryStrategy(canary);
}
