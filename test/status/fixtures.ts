/**
 * Status inputs for every phase a user meets, built by hand as the kube layer would gather them: one
 * rollout `myapp` in `apps` with 5 replicas behind an SMI TrafficSplit, 9 steps, fixed `now`.
 */
import type { AnalysisPhase, AnalysisRun, Measurement, MeasurementPhase, MetricResult } from '../../src/analysis/types.js';
import type { LeaseHolder } from '../../src/engine/ports.js';
import { RUN_STATE_SCHEMA, type HistoryEntry, type RunState } from '../../src/engine/types.js';
import type { DeploymentInfo, PodInfo, StatusInput } from '../../src/status/types.js';

export const NOW = Date.parse('2026-11-26T10:00:00Z');
export const S = 1000;
export const M = 60 * S;

export const REV_OLD = '3a1b0c9d8e';
export const REV_NEW = '7f9c2d1e4a';
export const REV_NEXT = 'c0ffee1234';
export const IMG_OLD = 'ghcr.io/mccutchen/go-httpbin:2.17.0';
export const IMG_NEW = 'ghcr.io/mccutchen/go-httpbin:2.17.1';
export const RUNNER = 'ci-4711@gitlab-runner-7';

export function pod(name: string, o: Partial<PodInfo> = {}): PodInfo {
  return { name, ready: true, phase: 'Running', restarts: 0, reason: null, ageMs: 20 * M, ...o };
}

function pods(deployment: string, hash: string, n: number, o: Partial<PodInfo> = {}): PodInfo[] {
  const suffixes = ['abcde', 'fghij', 'klmno', 'pqrst', 'uvwxy'];
  return suffixes.slice(0, n).map((s) => pod(`${deployment}-${hash}-${s}`, o));
}

export function deployment(track: 'stable' | 'canary', revision: string | null, image: string, o: Partial<DeploymentInfo> = {}): DeploymentInfo {
  const n = o.replicas ?? 5;
  const name = `myapp-${track}`;
  return {
    name,
    revision,
    images: [image],
    replicas: n,
    current: n,
    updated: n,
    ready: n,
    available: n,
    pods: pods(name, revision === REV_NEW ? '6f8d9c7b5' : '5d8f7c9b4', n),
    ageMs: 3 * 24 * 60 * M,
    ...o,
  };
}

export function measurement(value: string | null, phase: MeasurementPhase = 'Successful', at = NOW - M, message: string | null = null): Measurement {
  return { phase, startedAt: at - 200, finishedAt: at, value, message, metadata: {} };
}

export function metric(name: string, measurements: Measurement[], o: Partial<MetricResult> = {}): MetricResult {
  const count = (p: MeasurementPhase) => measurements.filter((m) => m.phase === p).length;
  return {
    name,
    phase: 'Running',
    measurements,
    count: measurements.filter((m) => m.phase !== 'Error' && m.phase !== 'Running').length,
    successful: count('Successful'),
    failed: count('Failed'),
    inconclusive: count('Inconclusive'),
    error: count('Error'),
    consecutiveError: 0,
    consecutiveSuccess: 0,
    dryRun: false,
    message: null,
    ...o,
  };
}

export function analysis(id: string, phase: AnalysisPhase, metrics: MetricResult[], o: Partial<AnalysisRun> = {}): AnalysisRun {
  return { id, phase, message: null, startedAt: NOW - 4 * M, completedAt: null, terminating: false, metrics, ...o };
}

/** success-rate measured every 30 s: oldest first. */
export function successRate(values: (string | null)[], phase: AnalysisPhase = 'Running'): MetricResult {
  const ms = values.map((v, i) => measurement(v, v === null ? 'Error' : 'Successful', NOW - (values.length - i) * 30 * S, v === null ? 'Post "http://prometheus.monitoring.svc:80/api/v1/query": context deadline exceeded' : null));
  return metric('success-rate', ms, { phase });
}

export function history(...entries: [number, string, string][]): HistoryEntry[] {
  return entries.map(([at, reason, message]) => ({ at, reason, message }));
}

export function runState(o: Partial<RunState> = {}): RunState {
  return {
    schema: RUN_STATE_SCHEMA,
    runId: 'run-1764150600000',
    rollout: { namespace: 'apps', name: 'myapp' },
    strategy: 'canary',
    mode: 'canary',
    revision: REV_NEW,
    stableRevision: REV_OLD,
    images: { canary: [IMG_NEW], stable: [IMG_OLD] },
    phase: 'Progressing',
    message: `rolling out revision ${REV_NEW}`,
    stepIndex: 0,
    stepCount: 9,
    stepStartedAt: NOW - 2 * M,
    setWeight: 10,
    weight: 0,
    services: { stable: 'stable', canary: 'stable' },
    canaryScale: null,
    pause: null,
    acceptedRuns: [],
    analyses: [],
    promotion: null,
    rollback: null,
    progress: { since: null, exceeded: false, lastReady: 0 },
    handledRequests: [],
    history: [],
    startedAt: NOW - 5 * M,
    updatedAt: NOW - 3 * S,
    finishedAt: null,
    owner: RUNNER,
    timeScale: 1,
    ...o,
  };
}

export const liveLease: { holder: LeaseHolder } = { holder: { identity: RUNNER, renewedAt: NOW - 2 * S, durationMs: 15 * S } };
export const freeLease: { holder: LeaseHolder | null } = { holder: null };

function input(o: Partial<StatusInput>): StatusInput {
  return {
    name: 'myapp',
    namespace: 'apps',
    now: NOW,
    state: null,
    lease: liveLease,
    stable: deployment('stable', REV_OLD, IMG_OLD),
    canary: deployment('canary', REV_NEW, IMG_NEW, { replicas: 1, current: 1, updated: 1, ready: 1, available: 1 }),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 10 },
    services: [
      { name: 'myapp-stable', role: 'stableService', selects: 'stable' },
      { name: 'myapp-canary', role: 'canaryService', selects: 'canary' },
    ],
    ...o,
  };
}

const canaryOne = (o: Partial<DeploymentInfo> = {}) => deployment('canary', REV_NEW, IMG_NEW, { replicas: 1, current: 1, updated: 1, ready: 1, available: 1, ageMs: 4 * M, ...o });
const canaryIdle = () => deployment('canary', REV_NEW, IMG_NEW, { replicas: 0, current: 0, updated: 0, ready: 0, available: 0, pods: [] });
const backgroundRunning = () => analysis('background', 'Running', [successRate(['[0.99]', '[0.97]', '[1]', '[0.98]'])]);

export const FIXTURES = {
  initialDeploy: input({
    state: runState({
      mode: 'initial',
      revision: REV_OLD,
      stableRevision: null,
      images: { canary: [IMG_OLD], stable: [] },
      phase: 'Initializing',
      message: 'first deploy: creating the stable Deployment',
      stepIndex: 9,
      setWeight: 0,
      weight: 0,
      progress: { since: NOW - 40 * S, exceeded: false, lastReady: 2 },
      startedAt: NOW - 70 * S,
      history: history([NOW - 70 * S, 'RolloutUpdated', `Started initial run of revision ${REV_OLD} (${IMG_OLD})`]),
    }),
    stable: deployment('stable', REV_OLD, IMG_OLD, {
      ready: 2,
      available: 2,
      ageMs: 70 * S,
      pods: [
        pod(`myapp-stable-5d8f7c9b4-abcde`, { ageMs: 68 * S }),
        pod(`myapp-stable-5d8f7c9b4-fghij`, { ageMs: 68 * S }),
        pod(`myapp-stable-5d8f7c9b4-klmno`, { ready: false, phase: 'Pending', reason: 'ContainerCreating', ageMs: 68 * S }),
        pod(`myapp-stable-5d8f7c9b4-pqrst`, { ready: false, phase: 'Running', ageMs: 68 * S }),
        pod(`myapp-stable-5d8f7c9b4-uvwxy`, { ready: false, phase: 'Pending', reason: 'ContainerCreating', ageMs: 68 * S }),
      ],
    }),
    canary: null,
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 0 },
  }),

  waitingForCanaryPods: input({
    state: runState({ progress: { since: NOW - 95 * S, exceeded: false, lastReady: 0 } }),
    canary: canaryOne({
      ready: 0,
      available: 0,
      ageMs: 2 * M,
      pods: [pod('myapp-canary-6f8d9c7b5-x2x4k', { ready: false, reason: 'CrashLoopBackOff', restarts: 4, ageMs: 2 * M })],
    }),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 0 },
  }),

  // An experiment step (Argo's Experiment -> ReplicaSets, AnalysisRuns): baseline and canary up, the judge measuring.
  experimentRunning: input({
    state: runState({
      stepIndex: 0,
      setWeight: 0,
      weight: 0,
      experiment: { stepIndex: 0, name: `myapp-${REV_NEW}-0`, startedAt: NOW - 3 * M, availableAt: NOW - 150 * S, hashes: { baseline: '5884d8b4f5', canary: '7ffb88696f' } },
      analyses: [analysis('step-1-judge', 'Running', [metric('judge', [])])],
    }),
    canary: canaryIdle(),
    experiment: [
      deployment('canary', REV_OLD, IMG_OLD, { name: `myapp-${REV_NEW}-0-baseline`, replicas: 1, current: 1, updated: 1, ready: 1, available: 1, ageMs: 3 * M, pods: [pod(`myapp-${REV_NEW}-0-baseline-5884d8b4f5-q29hq`, { ageMs: 3 * M })] }),
      deployment('canary', REV_NEW, IMG_NEW, { name: `myapp-${REV_NEW}-0-canary`, replicas: 1, current: 1, updated: 1, ready: 1, available: 1, ageMs: 3 * M, pods: [pod(`myapp-${REV_NEW}-0-canary-7ffb88696f-5cbhf`, { ageMs: 3 * M })] }),
    ],
    // Weighted templates (weight: 5 each): their Services are TrafficSplit backends while the experiment runs.
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 0, additional: [{ service: `myapp-${REV_NEW}-0-baseline`, weight: 5 }, { service: `myapp-${REV_NEW}-0-canary`, weight: 5 }] },
  }),

  pausedWithTimeLeft: input({
    state: runState({
      phase: 'Paused',
      stepIndex: 1,
      message: 'paused at step 2/9 for 30s',
      pause: { reason: 'PauseStep', startedAt: NOW - 12 * S, durationMs: 30 * S },
      weight: 10,
      analyses: [backgroundRunning()],
      history: history([NOW - 12 * S, 'RolloutPaused', 'Rollout is paused (CanaryPauseStep)']),
    }),
    canary: canaryOne(),
  }),

  pausedIndefinitely: input({
    state: runState({
      phase: 'Paused',
      stepIndex: 3,
      setWeight: 20,
      weight: 20,
      message: 'paused at step 4/9 until `canary promote myapp -n apps`',
      pause: { reason: 'PauseStep', startedAt: NOW - 7 * M, durationMs: null },
      startedAt: NOW - 12 * M,
      analyses: [analysis('background', 'Running', [successRate(['[0.99]', '[0.99]', '[0.99]', '[0.99]', '[0.99]', '[0.99]'])], { startedAt: NOW - 11 * M })],
      history: history([NOW - 7 * M, 'RolloutPaused', 'Rollout is paused (CanaryPauseStep, until promoted)']),
    }),
    canary: canaryOne({ ageMs: 12 * M }),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 20 },
  }),

  pausedInconclusive: input({
    state: runState({
      phase: 'Paused',
      stepIndex: 4,
      setWeight: 20,
      weight: 20,
      message:
        'paused: analysis step-5 was inconclusive (metric latency-p99: result [0.42] matched neither successCondition "result[0] < 0.3" nor failureCondition "result[0] > 0.5" (inconclusive 1 > inconclusiveLimit 0)); `canary promote myapp -n apps` continues, `canary abort myapp -n apps` rolls back',
      pause: { reason: 'InconclusiveAnalysis', startedAt: NOW - 45 * S, durationMs: null },
      analyses: [
        analysis(
          'step-5',
          'Inconclusive',
          [
            metric('latency-p99', [measurement('[0.21]', 'Successful', NOW - 105 * S), measurement('[0.42]', 'Inconclusive', NOW - 45 * S)], {
              phase: 'Inconclusive',
              message: 'inconclusive (1) > inconclusiveLimit (0)',
            }),
          ],
          { startedAt: NOW - 2 * M, completedAt: NOW - 45 * S, message: 'metric latency-p99 assessed Inconclusive' },
        ),
      ],
      history: history([NOW - 45 * S, 'RolloutPaused', 'Rollout is paused (InconclusiveAnalysisRun)']),
    }),
    canary: canaryOne(),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 20 },
  }),

  promoting: input({
    state: runState({
      phase: 'Promoting',
      stepIndex: 9,
      setWeight: 100,
      weight: 100,
      message: 'promoting: all 9 steps completed',
      promotion: { stage: 'UpdateStable', since: NOW - 20 * S, full: false, scaleDownAt: null },
      progress: { since: NOW - 20 * S, exceeded: false, lastReady: 2 },
      startedAt: NOW - 25 * M,
      analyses: [analysis('background', 'Successful', [successRate(['[0.99]', '[0.98]', '[1]', '[0.99]', '[0.97]', '[0.99]', '[1]', '[0.99]', '[0.98]', '[1]'], 'Successful')], { completedAt: NOW - 30 * S })],
      history: history([NOW - 20 * S, 'RolloutPromoting', 'Promotion: UpdateStable']),
    }),
    canary: deployment('canary', REV_NEW, IMG_NEW, { ageMs: 25 * M }),
    stable: deployment('stable', REV_NEW, IMG_NEW, {
      current: 6,
      updated: 2,
      ready: 5,
      available: 5,
      pods: [
        pod('myapp-stable-5d8f7c9b4-klmno'),
        pod('myapp-stable-5d8f7c9b4-pqrst'),
        pod('myapp-stable-5d8f7c9b4-uvwxy'),
        pod('myapp-stable-6f8d9c7b5-aaaaa', { ageMs: 15 * S }),
        pod('myapp-stable-6f8d9c7b5-bbbbb', { ageMs: 15 * S }),
        pod('myapp-stable-6f8d9c7b5-ccccc', { ready: false, phase: 'Pending', reason: 'ContainerCreating', ageMs: 3 * S }),
      ],
    }),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 100 },
  }),

  rolledBackByAnalysis: input({
    state: runState({
      phase: 'Degraded',
      stepIndex: 2,
      setWeight: 20,
      weight: 0,
      message: 'analysis background failed: metric success-rate: result [0.42] matched failureCondition "result[0] < 0.95" (failed 2 > failureLimit 1) at step 3/9 (weight 20%)',
      rollback: {
        cause: 'analysis',
        reason: 'analysis background failed: metric success-rate: result [0.42] matched failureCondition "result[0] < 0.95" (failed 2 > failureLimit 1) at step 3/9 (weight 20%)',
        since: NOW - 50 * S,
        stage: 'ScaleDown',
        scaleDownAt: NOW - 20 * S,
      },
      analyses: [
        analysis(
          'background',
          'Failed',
          [
            metric(
              'success-rate',
              [
                measurement('[0.99]', 'Successful', NOW - 180 * S),
                measurement('[0.97]', 'Successful', NOW - 150 * S),
                measurement(null, 'Error', NOW - 120 * S, 'Post "http://prometheus.monitoring.svc:80/api/v1/query": context deadline exceeded'),
                measurement('[0.61]', 'Failed', NOW - 90 * S),
                measurement('[0.42]', 'Failed', NOW - 60 * S),
              ],
              { phase: 'Failed', message: 'failed (2) > failureLimit (1)' },
            ),
          ],
          { completedAt: NOW - 50 * S, message: 'metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)' },
        ),
      ],
      finishedAt: NOW - 20 * S,
      updatedAt: NOW - 20 * S,
      history: history(
        [NOW - 50 * S, 'RolloutAborted', 'Rollout aborted update: analysis background failed: metric success-rate ...'],
        [NOW - 20 * S, 'RolloutDegraded', 'Degraded: analysis background failed (4m40s)'],
      ),
    }),
    lease: freeLease,
    canary: canaryIdle(),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 0 },
  }),

  abortedByPerson: input({
    state: runState({
      phase: 'Aborted',
      stepIndex: 3,
      setWeight: 20,
      weight: 0,
      message: 'aborted by bob@laptop: error budget burning at step 4/9 (weight 20%)',
      rollback: { cause: 'user', reason: 'aborted by bob@laptop: error budget burning at step 4/9 (weight 20%)', since: NOW - 40 * S, stage: 'ScaleDown', scaleDownAt: NOW - 10 * S },
      handledRequests: ['req-1'],
      // Terminated by the abort: shown as Terminated, never as the Successful phase Argo leaves it in.
      analyses: [analysis('background', 'Successful', [successRate(['[0.99]', '[0.98]', '[0.99]'], 'Successful')], { completedAt: NOW - 40 * S, terminating: true, terminatedBy: 'rollback', message: 'terminated' })],
      finishedAt: NOW - 10 * S,
      updatedAt: NOW - 10 * S,
      history: history(
        [NOW - 40 * S, 'RolloutRequest', 'abort requested by bob@laptop: rolling back to stable'],
        [NOW - 10 * S, 'RolloutAborted', 'Aborted: aborted by bob@laptop: error budget burning at step 4/9 (weight 20%) (4m50s)'],
      ),
    }),
    lease: freeLease,
    canary: canaryIdle(),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 0 },
    requests: [{ id: 'req-1', kind: 'abort', at: NOW - 41 * S, by: 'bob@laptop', reason: 'error budget burning' }],
  }),

  progressDeadlineExceeded: input({
    state: runState({
      message: 'ProgressDeadlineExceeded: myapp-canary has 0/1 pods available after 10m (ImagePullBackOff)',
      progress: { since: NOW - 11 * M, exceeded: true, lastReady: 0 },
      startedAt: NOW - 11 * M,
      history: history([NOW - M, 'ProgressDeadlineExceeded', 'ProgressDeadlineExceeded: myapp-canary has 0/1 pods available after 10m (ImagePullBackOff)']),
    }),
    canary: canaryOne({
      ready: 0,
      available: 0,
      ageMs: 11 * M,
      pods: [pod('myapp-canary-6f8d9c7b5-x2x4k', { ready: false, phase: 'Pending', reason: 'ImagePullBackOff', ageMs: 11 * M })],
    }),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 0 },
  }),

  healthyAfterPromotion: input({
    state: runState({
      phase: 'Healthy',
      stepIndex: 9,
      setWeight: 100,
      weight: 0,
      message: `promoted revision ${REV_NEW} after 9 steps`,
      promotion: { stage: 'ScaleDown', since: NOW - 2 * M, full: false, scaleDownAt: NOW - 90 * S },
      startedAt: NOW - 31 * M,
      finishedAt: NOW - 90 * S,
      updatedAt: NOW - 90 * S,
      analyses: [
        analysis('background', 'Successful', [successRate(['[0.99]', '[0.98]', '[1]', '[0.99]', '[0.97]', '[0.99]', '[1]', '[0.99]', '[0.98]', '[1]'], 'Successful')], {
          startedAt: NOW - 28 * M,
          completedAt: NOW - 4 * M,
        }),
      ],
      history: history([NOW - 90 * S, 'RolloutCompleted', `Healthy: promoted revision ${REV_NEW} after 9 steps (29m30s)`]),
    }),
    lease: freeLease,
    stable: deployment('stable', REV_NEW, IMG_NEW, { pods: pods('myapp-stable', '6f8d9c7b5', 5, { ageMs: 3 * M }) }),
    canary: canaryIdle(),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 0 },
  }),

  noLiveRunner: input({
    state: runState({
      phase: 'Paused',
      stepIndex: 1,
      message: 'paused at step 2/9 for 30s',
      pause: { reason: 'PauseStep', startedAt: NOW - 3 * M, durationMs: 30 * S },
      weight: 10,
      updatedAt: NOW - 3 * M,
      analyses: [backgroundRunning()],
    }),
    // The runner renewed 10 s into the pause, then died: 20 s of it were left.
    lease: { holder: { identity: RUNNER, renewedAt: NOW - 3 * M + 10 * S, durationMs: 15 * S } },
    canary: canaryOne(),
    requests: [{ id: 'req-9', kind: 'promote', at: NOW - 30 * S, by: 'alice@laptop', reason: null }],
  }),

  waitingForRevision: input({
    state: runState({
      phase: 'Healthy',
      stepIndex: 9,
      setWeight: 100,
      weight: 0,
      message: `promoted revision ${REV_NEW} after 9 steps`,
      startedAt: NOW - 31 * M,
      finishedAt: NOW - 90 * S,
      updatedAt: NOW - 90 * S,
    }),
    lease: freeLease,
    stable: deployment('stable', REV_NEW, IMG_NEW, { pods: pods('myapp-stable', '6f8d9c7b5', 5, { ageMs: 3 * M }) }),
    canary: canaryIdle(),
    route: { kind: 'TrafficSplit', name: 'myapp', weight: 0 },
    revisionWanted: REV_NEXT,
  }),

  blueGreenPaused: blueGreen({
    state: runState({
      strategy: 'blueGreen',
      phase: 'Paused',
      stepCount: 0,
      setWeight: 100,
      weight: null,
      services: { stable: 'stable', canary: 'canary' },
      message: 'paused before switching myapp to the preview, until `canary promote myapp -n apps`',
      pause: { reason: 'BlueGreenPause', startedAt: NOW - 2 * M, durationMs: null },
      analyses: [analysis('pre-promotion', 'Successful', [successRate(['[0]', '[0]', '[0]'], 'Successful')], { startedAt: NOW - 4 * M, completedAt: NOW - 2 * M })],
      history: history([NOW - 2 * M, 'RolloutPaused', 'Rollout is paused (BlueGreenPause, until promoted)']),
    }),
    canary: deployment('canary', REV_NEW, IMG_NEW, { ageMs: 5 * M }),
    services: [
      { name: 'myapp', role: 'activeService', selects: 'stable' },
      { name: 'myapp-preview', role: 'previewService', selects: 'canary' },
    ],
  }),

  blueGreenPostPromotion: blueGreen({
    state: runState({
      strategy: 'blueGreen',
      phase: 'Promoting',
      stepCount: 0,
      setWeight: 100,
      weight: null,
      services: { stable: 'canary', canary: 'canary' },
      message: 'promoting: switching the active Service to the preview',
      promotion: { stage: 'PostPromotionAnalysis', since: NOW - 40 * S, full: false, scaleDownAt: null },
      analyses: [
        analysis('pre-promotion', 'Successful', [successRate(['[0]', '[0]', '[0]'], 'Successful')], { startedAt: NOW - 6 * M, completedAt: NOW - 4 * M }),
        analysis('post-promotion', 'Running', [successRate(['[0]'])], { startedAt: NOW - 40 * S }),
      ],
      history: history([NOW - 40 * S, 'SwitchService', "Switched selector for service 'myapp' (activeService) from stable (revision 3a1b0c9d8e) to canary (revision 7f9c2d1e4a)"]),
    }),
    canary: deployment('canary', REV_NEW, IMG_NEW, { ageMs: 7 * M }),
    services: [
      { name: 'myapp', role: 'activeService', selects: 'canary' },
      { name: 'myapp-preview', role: 'previewService', selects: 'canary' },
    ],
  }),
} satisfies Record<string, StatusInput>;

/** A blue-green rollout: active Service `myapp`, preview `myapp-preview`, no route object. */
function blueGreen(o: Partial<StatusInput>): StatusInput {
  return input({ strategy: 'blueGreen', route: { kind: 'none', name: null, weight: null }, ...o });
}

export type FixtureName = keyof typeof FIXTURES;
