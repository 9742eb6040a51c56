import type { RunState } from '../../src/engine/types.js';
import type { StatusReason, StatusPhase } from '../../src/status/model.js';
import type { StatusInput } from '../../src/status/types.js';
import { renderTree } from '../../src/status/render-tree.js';
import { toStatusView } from '../../src/status/view.js';
import { plainPalette } from '../../src/util/palette.js';
import {
  FIXTURES,
  IMG_NEW,
  IMG_OLD,
  M,
  NOW,
  REV_NEW,
  REV_NEXT,
  REV_OLD,
  RUNNER,
  S,
  deployment,
  freeLease,
  liveLease,
  runState,
  type FixtureName,
} from './fixtures.js';

describe('phase, reason and whether the verdict is final, per fixture', () => {
  it.each<[FixtureName, StatusPhase, StatusReason, boolean]>([
    ['initialDeploy', 'Progressing', 'Initializing', false],
    ['waitingForCanaryPods', 'Progressing', 'StepInProgress', false],
    ['pausedWithTimeLeft', 'Paused', 'PauseStep', false],
    ['pausedIndefinitely', 'Paused', 'PausedUntilPromote', false],
    ['pausedInconclusive', 'Paused', 'InconclusiveAnalysis', false],
    ['promoting', 'Progressing', 'Promoting', false],
    ['rolledBackByAnalysis', 'Degraded', 'AnalysisFailed', true],
    ['abortedByPerson', 'Aborted', 'AbortedByUser', true],
    ['progressDeadlineExceeded', 'Degraded', 'ProgressDeadlineExceeded', false],
    ['healthyAfterPromotion', 'Healthy', 'Promoted', true],
    ['noLiveRunner', 'Degraded', 'RunnerLost', false],
    ['waitingForRevision', 'Progressing', 'WaitingForRun', false],
  ])('%s: %s %s settled=%s', (name, phase, reason, settled) => {
    const s = toStatusView(FIXTURES[name]).status;
    expect({ phase: s.phase, reason: s.reason, settled: s.settled }).toEqual({ phase, reason, settled });
  });
});

function withState(o: Partial<RunState>, rest: Partial<StatusInput> = {}): StatusInput {
  return { ...FIXTURES.pausedWithTimeLeft, state: runState(o), ...rest };
}

describe('messages', () => {
  it('a timed pause keeps its countdown out of the message', () => {
    const s = toStatusView(FIXTURES.pausedWithTimeLeft).status;
    expect(s.message).toBe('paused at step 2/9 for 30s');
    expect(s.timing).toBe('18s left');
    const later = (ms: number) => ({ ...FIXTURES.pausedWithTimeLeft, now: NOW + ms, lease: { holder: { identity: RUNNER, renewedAt: NOW + ms - S, durationMs: 15_000 } } });
    expect(toStatusView(later(17_500)).status.timing).toBe('1s left');
    expect(toStatusView(later(25 * S)).status.timing).toBe('0s left');
    expect(toStatusView(later(25 * S)).status.message).toBe('paused at step 2/9 for 30s');
  });

  it('a failed analysis names metric, value, condition and limit', () => {
    const s = toStatusView(FIXTURES.rolledBackByAnalysis).status;
    expect(s.message).toBe(
      'rolled back: analysis background failed: metric success-rate: result [0.42] matched failureCondition "result[0] < 0.95" (failed 2 > failureLimit 1) at step 3/9 (weight 20%)',
    );
    expect(s.next).toBe('`canary retry myapp -n apps` runs revision 7f9c2d1e4a again from step 1; `canary run` rolls out a fixed one');
  });

  it('an abort says who and why', () => {
    expect(toStatusView(FIXTURES.abortedByPerson).status.message).toBe('aborted by bob@laptop: error budget burning at step 4/9 (weight 20%); rolled back to stable');
  });

  it('the inconclusive pause keeps the explanation and moves the hint to next', () => {
    const s = toStatusView(FIXTURES.pausedInconclusive).status;
    expect(s.message).toMatch(/^paused: analysis step-5 was inconclusive \(metric latency-p99: result \[0\.42\] matched neither/);
    expect(s.message).not.toContain('canary promote');
    expect(s.next).toBe('`canary promote myapp -n apps` continues, `canary abort myapp -n apps` rolls back');
  });

  it('waiting for canary pods names the reason and how long', () => {
    const s = toStatusView(FIXTURES.waitingForCanaryPods).status;
    expect(s.message).toBe('step 1/9: waiting for canary pods: 0/1 available (CrashLoopBackOff)');
    expect(s.timing).toBe('95s so far');
  });

  it('an experiment coming up names the template Deployment it waits for, not the canary', () => {
    const base = FIXTURES.experimentRunning;
    const ex = { ...base.state!.experiment!, availableAt: null, hashes: {} };
    const [baseline, canaryTemplate] = base.experiment!;
    const pending = (deployments: typeof base.experiment, progressSince: number | null) =>
      toStatusView({ ...base, state: { ...base.state!, experiment: ex, analyses: [], progress: { since: progressSince, exceeded: false, lastReady: 0 } }, experiment: deployments }).status;
    const waiting = pending([baseline!, { ...canaryTemplate!, available: 0, ready: 0 }], NOW - 20 * S);
    expect(waiting.message).toBe(`step 1/9: waiting for experiment Deployment myapp-${REV_NEW}-0-canary pods: 0/1 available`);
    expect(waiting.timing).toBe('20s so far');
    expect(pending([], null).message).toBe(`step 1/9: creating the experiment's Deployments (myapp-${REV_NEW}-0-*)`);
  });

  it('a running analysis step', () => {
    const input = withState({
      stepIndex: 4,
      analyses: [{ id: 'step-5', phase: 'Running', message: null, startedAt: NOW - 70 * S, completedAt: null, terminating: false, metrics: [] }],
    });
    const s = toStatusView(input).status;
    expect(s.message).toBe('step 5/9: analysis step-5 is running (no metrics)');
    expect(s.timing).toBe('70s so far');
  });

  it('traffic shifting once the canary is ready', () => {
    const input = withState({ stepIndex: 2, setWeight: 20 }, { route: { kind: 'TrafficSplit', name: 'myapp', weight: 10 } });
    expect(toStatusView(input).status.message).toBe('step 3/9: setting the canary weight to 20% (10% now)');
  });

  it('an old canary being replaced', () => {
    const input = withState({}, { canary: deployment('canary', REV_OLD, IMG_OLD, { replicas: 1 }) });
    expect(toStatusView(input).status.message).toBe(`step 1/9: replacing the previous canary (revision ${REV_OLD})`);
  });
});

describe('rollbacks in progress are Degraded or Aborted but not settled', () => {
  it('analysis: Degraded, scale-down countdown as timing', () => {
    const input = withState({
      phase: 'RollingBack',
      rollback: { cause: 'analysis', reason: 'analysis background failed: metric x', since: NOW - 10 * S, stage: 'ScaleDown', scaleDownAt: NOW + 20 * S },
    });
    const s = toStatusView(input).status;
    expect(s).toMatchObject({ phase: 'Degraded', reason: 'AnalysisFailed', settled: false, timing: 'in 20s' });
    expect(s.message).toBe('rolling back: analysis background failed: metric x; traffic is back on stable, the canary scales down after abortScaleDownDelaySeconds');
  });

  it('interrupt: Aborted, moving traffic', () => {
    const input = withState(
      { phase: 'RollingBack', rollback: { cause: 'interrupt', reason: 'interrupted by SIGTERM at step 2/9 (weight 10%)', since: NOW, stage: 'TrafficToStable', scaleDownAt: null } },
      { route: { kind: 'TrafficSplit', name: 'myapp', weight: 10 } },
    );
    expect(toStatusView(input).status).toMatchObject({
      phase: 'Aborted',
      reason: 'Interrupted',
      settled: false,
      message: 'rolling back: interrupted by SIGTERM at step 2/9 (weight 10%); moving traffic back to stable (canary 10% now)',
    });
  });

  it('the stable template applied again: Progressing while restoring, Healthy once done', () => {
    const rollback = { cause: 'rollbackToStable' as const, reason: `revision ${REV_OLD} is the stable revision: canary rolled back without steps`, since: NOW, stage: 'TrafficToStable' as const, scaleDownAt: null };
    const running = toStatusView(withState({ mode: 'rollbackToStable', revision: REV_OLD, phase: 'RollingBack', rollback }));
    expect(running.status).toMatchObject({ phase: 'Progressing', reason: 'RestoringStable', settled: false });
    expect(running.step).toBeNull();
    const done = toStatusView(withState({ mode: 'rollbackToStable', revision: REV_OLD, phase: 'Healthy', rollback, message: rollback.reason, finishedAt: NOW }, { lease: freeLease }));
    expect(done.status).toMatchObject({ phase: 'Healthy', reason: 'StableRestored', settled: true });
  });

  it('an interrupted run ends Aborted', () => {
    const input = withState(
      { phase: 'Aborted', message: 'interrupted by SIGINT at step 2/9 (weight 10%)', rollback: { cause: 'interrupt', reason: 'x', since: NOW, stage: 'ScaleDown', scaleDownAt: null }, finishedAt: NOW },
      { lease: freeLease },
    );
    expect(toStatusView(input).status).toMatchObject({ phase: 'Aborted', reason: 'Interrupted', settled: true });
  });
});

describe('promotion stages', () => {
  it.each([
    ['CanaryFull', null, 'promoting (CanaryFull): scaling the canary to full size: waiting for canary pods: 1/1 available', null],
    ['TrafficToCanary', null, 'promoting (TrafficToCanary): sending all traffic to the canary (10% now)', null],
    ['TrafficToStable', null, 'promoting (TrafficToStable): moving traffic back to the updated stable (canary 10% now)', null],
    ['ScaleDown', NOW + 30 * S, `promoting (ScaleDown): all traffic on revision ${REV_NEW}; scaling the canary down after scaleDownDelaySeconds`, 'in 30s'],
    ['ScaleDown', NOW - S, `promoting (ScaleDown): all traffic on revision ${REV_NEW}; scaling the canary down`, null],
  ] as const)('%s (scale-down at %s)', (stage, scaleDownAt, message, timing) => {
    const input = withState({ phase: 'Promoting', promotion: { stage, since: NOW, full: false, scaleDownAt } });
    expect(toStatusView(input).status).toMatchObject({ phase: 'Progressing', reason: 'Promoting', message, timing, settled: false });
  });

  it('says when it skips the remaining steps', () => {
    const input = withState({ phase: 'Promoting', promotion: { stage: 'TrafficToCanary', since: NOW, full: true, scaleDownAt: null } });
    expect(toStatusView(input).status.message).toMatch(/^promoting \(promote --full, TrafficToCanary\)/);
  });
});

describe('the runner', () => {
  it('live: holder and last renewal', () => {
    const r = toStatusView(FIXTURES.pausedWithTimeLeft).runner;
    expect(r).toEqual({
      state: 'live',
      identity: RUNNER,
      renewedAt: '2026-11-26T09:59:58Z',
      renewedAgoMs: 2000,
      leaseExpired: false,
      text: `${RUNNER} (lease renewed 2s ago)`,
    });
  });

  it('lost: stale lease, the run stopped mid-way, what to do', () => {
    const v = toStatusView(FIXTURES.noLiveRunner);
    expect(v.runner).toMatchObject({ state: 'lost', identity: RUNNER, leaseExpired: true });
    expect(v.runner.text).toBe(
      `no live runner (the lease of ${RUNNER} expired 2m35s ago): the last run stopped at step 2/9; \`canary run\` resumes, \`canary abort myapp -n apps\` rolls back`,
    );
    // The pause keeps what was left when the runner stopped, as a resumed run does.
    expect(v.pause).toEqual({ reason: 'PauseStep', startedAt: '2026-11-26T09:57:00Z', durationMs: 30_000, remainingMs: 20_000 });
    expect(v.status.message).toBe(`runner lost: the run of revision ${REV_NEW} stopped while paused at step 2/9 (20s of 30s left)`);
  });

  it('lost: a free lease, or one never renewed', () => {
    const free = toStatusView(withState({}, { lease: freeLease })).runner;
    expect(free).toMatchObject({ state: 'lost', identity: RUNNER, leaseExpired: null });
    expect(free.text).toMatch(/^no live runner \(the lease is free; ci-4711@gitlab-runner-7 wrote last\)/);
    const never = toStatusView(withState({}, { lease: { holder: { identity: 'x@y', renewedAt: null, durationMs: 15_000 } } })).runner;
    expect(never).toMatchObject({ state: 'lost', identity: 'x@y', leaseExpired: true });
  });

  it('the lease is live until renewedAt + duration, exclusive', () => {
    const at = (ago: number) => toStatusView(withState({}, { lease: { holder: { identity: RUNNER, renewedAt: NOW - ago, durationMs: 15_000 } } })).runner.state;
    expect(at(14_999)).toBe('live');
    expect(at(15_000)).toBe('lost');
  });

  it('idle once the run ended, with how long ago', () => {
    expect(toStatusView(FIXTURES.healthyAfterPromotion).runner).toMatchObject({ state: 'idle', text: 'none (the run ended 90s ago)' });
  });

  it('a new runner holding the lease over a finished run: a new run is starting, no verdict yet', () => {
    const input = { ...FIXTURES.healthyAfterPromotion, lease: { holder: { identity: 'ci-4712@gitlab-runner-3', renewedAt: NOW - S, durationMs: 15_000 } } };
    expect(toStatusView(input).status).toMatchObject({ phase: 'Progressing', reason: 'NewRunStarting', settled: false });
    // ... unless the caller pinned the finished run's revision.
    expect(toStatusView({ ...input, revisionWanted: REV_NEW }).status).toMatchObject({ phase: 'Healthy', settled: true });
    // The runner that finished still holding its lease for a moment is no new run.
    expect(toStatusView({ ...FIXTURES.healthyAfterPromotion, lease: liveLease }).status).toMatchObject({ phase: 'Healthy', settled: true });
  });
});

describe('--revision', () => {
  it('waits while the state is another revision, and never reports its verdict', () => {
    const v = toStatusView(FIXTURES.waitingForRevision);
    expect(v.status.message).toBe(`waiting for the run of revision ${REV_NEXT} to start; the state still shows revision ${REV_NEW} (Healthy)`);
    expect(v.run).toBeNull();
    expect(v.step).toBeNull();
    expect(v.analyses).toEqual([]);
  });

  it('accepts a prefix of 4 or more characters', () => {
    const s = (wanted: string) => toStatusView({ ...FIXTURES.healthyAfterPromotion, revisionWanted: wanted }).status.reason;
    expect(s('7f9c')).toBe('Promoted');
    expect(s('7f9')).toBe('WaitingForRun');
    expect(s(REV_NEW)).toBe('Promoted');
  });

  it('is satisfied by a stable that already runs it with no canary left', () => {
    const input = { ...FIXTURES.healthyAfterPromotion, state: null, revisionWanted: REV_NEW };
    expect(toStatusView(input).status).toMatchObject({ phase: 'Healthy', reason: 'AlreadyStable', settled: true });
    const leftover = { ...input, canary: deployment('canary', REV_OLD, IMG_OLD, { replicas: 1 }) };
    expect(toStatusView(leftover).status.reason).toBe('WaitingForRun');
  });

  it('no state at all yet', () => {
    const v = toStatusView({ ...FIXTURES.waitingForRevision, state: null });
    expect(v.status.message).toBe(`waiting for the run of revision ${REV_NEXT} to start; no run is recorded yet`);
  });
});

describe('no run recorded', () => {
  it('is Unknown with how to start one', () => {
    const v = toStatusView({ ...FIXTURES.initialDeploy, state: null, lease: freeLease, stable: null });
    expect(v.status).toMatchObject({ phase: 'Unknown', icon: '?', reason: 'NoRun', message: 'no run recorded for apps/myapp', next: '`canary run` starts one' });
  });

  it('a live lease means one is starting', () => {
    expect(toStatusView({ ...FIXTURES.initialDeploy, state: null }).status).toMatchObject({ phase: 'Progressing', reason: 'NewRunStarting' });
  });
});

describe('progress deadline', () => {
  it('exceeded during the first deploy is Degraded too', () => {
    const input = { ...FIXTURES.initialDeploy, state: { ...FIXTURES.initialDeploy.state!, progress: { since: NOW - 11 * M, exceeded: true, lastReady: 2 }, message: 'ProgressDeadlineExceeded: x' } };
    expect(toStatusView(input).status).toMatchObject({ phase: 'Degraded', reason: 'ProgressDeadlineExceeded', settled: false, timing: 'waiting 11m so far' });
  });

  it('with progressDeadlineAbort the rollback ends Degraded', () => {
    const input = withState(
      { phase: 'Degraded', message: 'ProgressDeadlineExceeded: ...', rollback: { cause: 'deadline', reason: 'x', since: NOW, stage: 'ScaleDown', scaleDownAt: null }, finishedAt: NOW },
      { lease: freeLease },
    );
    expect(toStatusView(input).status).toMatchObject({ phase: 'Degraded', reason: 'ProgressDeadlineExceeded', settled: true });
  });
});

describe('weights, images, replicas', () => {
  it('step and weights from the state and the route', () => {
    const v = toStatusView(FIXTURES.pausedIndefinitely);
    expect(v.step).toEqual({ current: 4, count: 9, completed: 3, label: '4/9' });
    expect(v.setWeight).toBe(20);
    expect(v.actualWeight).toEqual({ value: 20, source: 'route' });
  });

  it('without traffic routing the actual weight is the canary share of available pods', () => {
    const input = withState({}, { route: { kind: 'none', name: null, weight: null }, stable: deployment('stable', REV_OLD, IMG_OLD, { replicas: 4, available: 4 }) });
    const v = toStatusView(input);
    expect(v.actualWeight).toEqual({ value: 20, source: 'pods' });
    // Replica-weighted: stable and canary share the replicas.
    expect(v.replicas.desired).toBe(5);
    expect(toStatusView({ ...input, stable: null, canary: null }).actualWeight).toEqual({ value: null, source: 'pods' });
  });

  it('the Rollout replicas win over the derived ones when known', () => {
    expect(toStatusView({ ...FIXTURES.pausedWithTimeLeft, desiredReplicas: 7 }).replicas.desired).toBe(7);
  });

  it('a route object that is missing has no weight', () => {
    const v = toStatusView({ ...FIXTURES.pausedWithTimeLeft, route: { kind: 'HTTPRoute', name: null, weight: null } });
    expect(v.actualWeight).toEqual({ value: null, source: 'route' });
  });

  it('tags images: a scaled-down canary is not the canary, one image on both is (canary, stable)', () => {
    expect(toStatusView(FIXTURES.pausedWithTimeLeft).images).toEqual([
      { image: IMG_OLD, tags: ['stable'] },
      { image: IMG_NEW, tags: ['canary'] },
    ]);
    expect(toStatusView(FIXTURES.healthyAfterPromotion).images).toEqual([{ image: IMG_NEW, tags: ['stable'] }]);
    expect(toStatusView(FIXTURES.promoting).images).toEqual([{ image: IMG_NEW, tags: ['canary', 'stable'] }]);
  });

  it('falls back to the state for images when the Deployments are not there', () => {
    const v = toStatusView({ ...FIXTURES.pausedWithTimeLeft, stable: null, canary: null });
    expect(v.images).toEqual([
      { image: IMG_OLD, tags: ['stable'] },
      { image: IMG_NEW, tags: ['canary'] },
    ]);
  });

  it('counts updated replicas of the run revision across both Deployments', () => {
    expect(toStatusView(FIXTURES.promoting).replicas).toEqual({ desired: 5, current: 11, updated: 7, ready: 10, available: 10 });
  });
});

describe('analysis', () => {
  it('counters sum the metrics; samples are oldest first with null where no number was measured', () => {
    const [run] = toStatusView(FIXTURES.rolledBackByAnalysis).analyses;
    expect(run!.counts).toEqual({ successful: 2, failed: 2, inconclusive: 0, error: 1 });
    expect(run!.metrics[0]).toMatchObject({ name: 'success-rate', icon: '✖', lastValue: '[0.42]', lastError: null, samples: [0.99, 0.97, null, 0.61, 0.42] });
  });

  it('the last error is shown when the last measurement failed to run; in-flight ones are skipped', () => {
    const input = withState({
      analyses: [
        {
          id: 'background',
          phase: 'Running',
          message: null,
          startedAt: NOW - M,
          completedAt: null,
          terminating: false,
          metrics: [
            {
              name: 'm',
              phase: 'Running',
              measurements: [
                { phase: 'Successful', startedAt: 1, finishedAt: 2, value: '[]', message: null, metadata: {} },
                { phase: 'Error', startedAt: 3, finishedAt: 4, value: null, message: 'connection refused', metadata: {} },
                { phase: 'Running', startedAt: 5, finishedAt: null, value: null, message: null, metadata: {} },
              ],
              count: 1,
              successful: 1,
              failed: 0,
              inconclusive: 0,
              error: 1,
              consecutiveError: 1,
              consecutiveSuccess: 0,
              dryRun: true,
              message: null,
            },
          ],
        },
      ],
    });
    const m = toStatusView(input).analyses[0]!.metrics[0]!;
    expect(m).toMatchObject({ lastValue: '[]', lastError: 'connection refused', samples: [null, null], dryRun: true });
  });
});

describe('requests and events', () => {
  it('lists requests the runner has not handled, drops handled ones', () => {
    expect(toStatusView(FIXTURES.noLiveRunner).pendingRequests).toEqual([{ kind: 'promote', by: 'alice@laptop', reason: null, at: '2026-11-26T09:59:30Z', agoMs: 30_000 }]);
    expect(toStatusView(FIXTURES.abortedByPerson).pendingRequests).toEqual([]);
  });

  it('the last event with its age', () => {
    expect(toStatusView(FIXTURES.pausedWithTimeLeft).lastEvent).toEqual({ at: '2026-11-26T09:59:48Z', agoMs: 12_000, reason: 'RolloutPaused', message: 'Rollout is paused (CanaryPauseStep)' });
  });

  it('staleness: the state age and update age', () => {
    expect(toStatusView(FIXTURES.noLiveRunner).run).toMatchObject({ ageMs: 5 * M, updatedAgoMs: 3 * M, finishedAgoMs: null });
  });
});

describe('purity', () => {
  it('the same input gives the same view, and the input is not changed', () => {
    const input = structuredClone(FIXTURES.promoting);
    const a = toStatusView(input);
    expect(input).toEqual(FIXTURES.promoting);
    expect(toStatusView(input)).toEqual(a);
  });
});

describe("the canary's scale-down after the verdict (issue 16 item 8)", () => {
  const promoted = (scaleDown: RunState['scaleDown'], lease: StatusInput['lease'] = liveLease) =>
    ({ ...FIXTURES.healthyAfterPromotion, lease, state: { ...FIXTURES.healthyAfterPromotion.state!, owner: RUNNER, scaleDown } }) satisfies StatusInput;

  it('a live runner counting it down: settled verdict, the countdown in the header', () => {
    const view = toStatusView(promoted({ at: NOW + 25 * S, delay: 'scaleDownDelaySeconds', left: false }));
    expect(view.status).toMatchObject({ phase: 'Healthy', settled: true });
    expect(view.scaleDown).toEqual({ dueAt: '2026-11-26T10:00:25Z', remainingMs: 25_000, delay: 'scaleDownDelaySeconds', by: 'runner' });
    expect(renderTree(view, plainPalette)).toContain('Scale-down:      canary to 0 in 25s (scaleDownDelaySeconds), by the runner');
  });

  it('left to the next canary command (or its runner gone): said so, due or not', () => {
    const left = toStatusView(promoted({ at: NOW + 25 * S, delay: 'scaleDownDelaySeconds', left: true }));
    expect(left.scaleDown?.by).toBe('next-command');
    const gone = toStatusView(promoted({ at: NOW - 5 * S, delay: 'abortScaleDownDelaySeconds', left: false }, freeLease));
    expect(gone.scaleDown).toMatchObject({ remainingMs: 0, by: 'next-command' });
    expect(renderTree(gone, plainPalette).replace(/\s+/g, ' ')).toContain('canary to 0 due now (abortScaleDownDelaySeconds), left to the next canary command for this rollout');
  });

  it('none pending (or a state written before it existed): no field, no line', () => {
    expect(toStatusView(promoted(null)).scaleDown).toBeNull();
    expect(toStatusView(promoted(undefined)).scaleDown).toBeNull();
    expect(renderTree(toStatusView(promoted(null)), plainPalette)).not.toContain('Scale-down:');
  });
});
