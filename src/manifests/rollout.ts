/** argoproj.io/v1alpha1 Rollout -> RolloutSpec, with Argo's defaults. Collects every problem. */
import type { Issue } from './issues.js';
import { readMetadata } from './metadata.js';
import { isRecord, Reader } from './reader.js';
import { readAnalysisRef, readBackgroundAnalysis } from './rollout-analysis.js';
import type { SourceDoc } from './source.js';
import { readSteps } from './steps.js';
import { readTrafficRouting } from './traffic-routing.js';
import type { CanaryStrategy, IntOrPercent, JsonObject, LabelSelector, PodMetadata, RolloutSpec } from './types.js';

export const ROLLOUT_DEFAULTS = {
  replicas: 1,
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
  scaleDownDelaySeconds: 30,
  abortScaleDownDelaySeconds: 30,
  minPodsPerReplicaSet: 1,
  maxSurge: '25%',
  maxUnavailable: '25%',
} as const;

export function readRollout(doc: SourceDoc, issues: Issue[]): RolloutSpec | null {
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
        'minReadySeconds',
        'revisionHistoryLimit',
        'progressDeadlineSeconds',
        'progressDeadlineAbort',
        'strategy',
      ],
      unsupported: {
        workloadRef: 'a Rollout that references a Deployment (workloadRef) is not supported yet: copy the Deployment\'s selector and pod template into spec.selector and spec.template, and remove workloadRef',
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
  // With workloadRef the selector and template live in the Deployment: their absence follows from it.
  const fromWorkload = spec.field('workloadRef').present;
  const selector = fromWorkload && !spec.field('selector').present ? null : readSelector(spec.field('selector'));
  const template = fromWorkload && !spec.field('template').present ? null : readPodTemplate(spec.field('template'));
  if (selector && template) checkSelectorMatches(spec, selector, template);
  const progressDeadlineSeconds = spec.field('progressDeadlineSeconds').int({ min: 1 }) ?? ROLLOUT_DEFAULTS.progressDeadlineSeconds;
  const minReadySeconds = spec.field('minReadySeconds').int({ min: 0 }) ?? 0;
  if (minReadySeconds >= progressDeadlineSeconds) {
    spec.field('progressDeadlineSeconds').error(`must be greater than minReadySeconds (${minReadySeconds})`);
  }
  const strategy = readStrategy(spec.field('strategy'));
  if (!selector || !template || !strategy) return null;
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
    minReadySeconds,
    revisionHistoryLimit: spec.field('revisionHistoryLimit').int({ min: 0 }) ?? ROLLOUT_DEFAULTS.revisionHistoryLimit,
    progressDeadlineMs: progressDeadlineSeconds * 1000,
    progressDeadlineAbort: spec.field('progressDeadlineAbort').bool(false),
    canary: strategy,
  };
}

/** Argo's notification controller reads these; canary sends no notifications yet. */
function warnNotifications(root: Reader): void {
  const annotations = root.field('metadata').field('annotations');
  if (!isRecord(annotations.value)) return;
  for (const key of Object.keys(annotations.value)) {
    if (key.startsWith('notifications.argoproj.io/subscribe.')) {
      annotations.field(key).warn('canary does not send notifications yet: this subscription has no effect for now', 'key');
    }
  }
}

function readSelector(r: Reader): LabelSelector | null {
  const sel = r.object({ known: ['matchLabels', 'matchExpressions'] }, { required: true });
  if (!sel) return null;
  const matchLabels = sel.field('matchLabels').stringMap();
  const matchExpressions: LabelSelector['matchExpressions'] = [];
  for (const e of sel.field('matchExpressions').list()) {
    const expr = e.object({ known: ['key', 'operator', 'values'] });
    if (!expr) continue;
    const key = expr.field('key').string({ required: true });
    const operator = expr.field('operator').string({ required: true });
    const values = expr.field('values').list().map((v) => v.scalarString()).filter((v): v is string => v !== null);
    if (operator !== null && !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) {
      expr.field('operator').error(`"${operator}" is not a valid operator: use In, NotIn, Exists or DoesNotExist`);
    }
    if (key !== null && operator !== null) matchExpressions.push({ key, operator, ...(values.length ? { values } : {}) });
  }
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    sel.error('an empty selector would select every pod in the namespace: set matchLabels');
  }
  return { matchLabels, matchExpressions };
}

function readPodTemplate(r: Reader): JsonObject | null {
  const t = r.object({ known: ['metadata', 'spec'] }, { required: true });
  if (!t) return null;
  const podSpec = t.field('spec');
  if (!podSpec.present) {
    podSpec.error('required field is missing: the pod spec with its containers', 'key');
    return null;
  }
  if (!isRecord(podSpec.value)) return podSpec.error('expected a mapping (a pod spec)');
  const containers = podSpec.field('containers').list({ required: true });
  if (podSpec.field('containers').present && containers.length === 0) podSpec.field('containers').error('at least one container is required');
  const names = new Set<string>();
  for (const c of containers) {
    if (!isRecord(c.value)) {
      c.error('expected a mapping (a container)');
      continue;
    }
    const name = c.field('name').string({ required: true });
    c.field('image').string({ required: true });
    if (name !== null) {
      if (names.has(name)) c.field('name').error(`duplicate container name "${name}"`);
      names.add(name);
    }
  }
  const meta = t.field('metadata');
  if (meta.present && !isRecord(meta.value)) meta.error('expected a mapping');
  return r.value as JsonObject;
}

function checkSelectorMatches(spec: Reader, selector: LabelSelector, template: JsonObject): void {
  const labels = (isRecord(template.metadata) && isRecord(template.metadata.labels) ? template.metadata.labels : {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (String(labels[k] ?? '') !== v) {
      spec
        .field('template')
        .field('metadata')
        .field('labels')
        .error(`selector does not match template labels: the selector wants ${k}=${v}, add it to spec.template.metadata.labels`);
      return;
    }
  }
}

function readStrategy(r: Reader): CanaryStrategy | null {
  const strategy = r.object(
    {
      known: ['canary'],
      unsupported: { blueGreen: 'blue-green rollouts are not supported: use strategy.canary' },
    },
    { required: true },
  );
  if (!strategy) return null;
  // A blue-green Rollout is reported as such, not as one missing its canary strategy.
  if (strategy.field('blueGreen').present && !strategy.field('canary').present) return null;
  const c = strategy.field('canary').object(
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
  // managedRoutes only serves setHeaderRoute/setMirrorRoute steps: reported here only without them.
  const managedRoutes = c.field('trafficRouting').field('managedRoutes');
  const routeSteps = c.field('steps').list().some((s) => s.field('setHeaderRoute').present || s.field('setMirrorRoute').present);
  if (managedRoutes.present && !routeSteps) {
    managedRoutes.error('not supported by canary: header and mirror routes (managedRoutes) are not supported: canary sets traffic weights only; remove managedRoutes', 'key');
  }
  const steps = readSteps(c.field('steps'), readAnalysisRef, { trafficRouting: c.field('trafficRouting').present });
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
    canaryService: c.field('canaryService').string(),
    stableService: c.field('stableService').string(),
    trafficRouting,
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

function readIntOrPercent(r: Reader, fallback: string): IntOrPercent {
  const v = r.present ? r.value : fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return { kind: 'count', value: v };
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v.trim());
    if (m) return { kind: 'percent', value: Number(m[1]) };
    if (/^\d+$/.test(v.trim())) return { kind: 'count', value: Number(v.trim()) };
  }
  r.error(`expected a whole number or a percentage like "25%", got ${JSON.stringify(v)}`);
  const m = /^(\d+)%$/.exec(fallback);
  return { kind: 'percent', value: Number(m![1]) };
}

function readPodMetadata(r: Reader): PodMetadata | null {
  const m = r.object({ known: ['labels', 'annotations'] });
  if (!m) return null;
  return { labels: m.field('labels').stringMap(), annotations: m.field('annotations').stringMap() };
}
