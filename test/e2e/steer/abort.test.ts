/**
 * `canary abort` from another process, during a pause and during an analysis step: the live runner
 * rolls back (weight 0 at once, canary scaled down after abortScaleDownDelaySeconds) and exits 3;
 * `canary status --watch` attached before (--revision), during and after exits 3 (Aborted), and 1
 * (Degraded) for a release rolled back by analysis. The abort reaction (request stored in the run
 * ConfigMap -> TrafficSplit weight 0) is measured over several aborts.
 */
import type { Cluster } from '../../sandbox/cluster.js';
import {
  BAD,
  canary,
  deployment,
  eventReasons,
  expectExit,
  firstDeploy,
  fullRunState,
  healthyImage,
  indefinitePauseVariant,
  killAll,
  lastLine,
  median,
  parseFinalLine, verdictLine,
  plannedRevision,
  recordTimeline,
  removeVariants,
  report,
  requirePrometheus,
  runCanary,
  seedCluster,
  serviceSelector,
  splitWeight,
  stableImage,
  statusJson,
  until,
  variant,
} from '../support/harness.js';

const SCALE = '0.05'; // abortScaleDownDelaySeconds 30 s -> 1.5 s; analysis every 0.75 s

/** The seed plus an analysis step after weight 10: the seed's query, 20 measurements every 15 s (scaled). */
function analysisStepVariant(): string {
  return variant((r, t) => {
    const args = [
      { name: 'service-name', value: 'myapp-canary' },
      { name: 'from', value: 'dependant-api-service' },
    ];
    r.spec.strategy.canary.steps = [{ setWeight: 10 }, { analysis: { templates: [{ templateName: 'success-rate-steps' }], args } }, { setWeight: 100 }];
    // The seed's template stays for the background analysis; the step uses a copy with a count.
    const counted = structuredClone(t);
    counted.metadata.name = 'success-rate-steps';
    counted.spec.metrics[0].count = 20;
    return { 'step-template.yaml': counted };
  });
}

if (requirePrometheus('abort and status --watch')) {
  describe('canary abort from another process, with status --watch', () => {
    let sb: Cluster;
    let pauseDir: string;
    let stepDir: string;
    const reactions: { where: string; ms: number }[] = [];
    const endToEnd: number[] = [];
    const watchLags: number[] = [];
    beforeAll(async () => {
      sb = await seedCluster();
      await firstDeploy(sb);
      pauseDir = indefinitePauseVariant();
      stepDir = analysisStepVariant();
    });
    afterEach(killAll);
    afterAll(async () => {
      if (reactions.length) {
        const ms = reactions.map((r) => r.ms);
        report('abort reaction (request stored -> TrafficSplit weight 0), ms', `median ${median(ms)} of [${reactions.map((r) => `${r.ms} (${r.where})`).join(', ')}]`);
        report('abort end to end (`canary abort` spawned -> TrafficSplit weight 0), ms', `median ${median(endToEnd)} of [${endToEnd.join(', ')}]`);
        report('status --watch exit after the run exited (abort file), ms', `[${watchLags.join(', ')}]`);
      }
      removeVariants();
      await sb?.close();
    });

    /** Starts a run, waits for `ready`, aborts it from another process; returns everything to assert on. */
    async function abortRun(where: 'pause' | 'analysis', options: { reason?: string; before?: (revision: string) => Promise<void> } = {}) {
      const dir = where === 'pause' ? pauseDir : stepDir;
      const image = healthyImage(`abort-${where}`);
      const args = [dir, '--image', `myapp=${image}`, '--time-scale', SCALE];
      const stable = stableImage(sb);
      const timeline = recordTimeline(sb);
      const run = canary(sb, ['run', ...args]);
      await run.waitFor(where === 'pause' ? /paused until `canary promote myapp -n apps`/ : /analysis step-2 started: success-rate/, 90_000);
      if (where === 'analysis') await until(() => (fullRunState(sb)?.analyses.find((a) => a.id.startsWith('step-'))?.metrics[0]?.measurements.length ?? 0) >= 2, 'two measurements of the analysis step', 60_000);
      expect(splitWeight(sb)).toBe(10);
      const spawnedAt = Date.now();
      const abort = await runCanary(sb, ['abort', 'myapp', ...(options.reason ? ['--reason', options.reason] : [])]);
      const code = await run.done;
      timeline.stop();
      const reaction = timeline.reaction('abort', (w) => w === 0);
      expect(reaction).not.toBeNull();
      reactions.push({ where, ms: reaction! });
      endToEnd.push(timeline.entries.find((e) => e.what === 'weight' && e.value === 0)!.t - spawnedAt);
      return { run, code, abort, image, stable, timeline };
    }

    it('during an indefinite pause: the runner rolls back and exits 3; status --watch before, during and after exits 3', async () => {
      const image = healthyImage('abort-watched');
      const args = [pauseDir, '--image', `myapp=${image}`, '--time-scale', SCALE];
      const revision = await plannedRevision(sb, args);
      const before = canary(sb, ['status', 'myapp', '--watch', '--revision', revision]);
      await before.waitFor(new RegExp(`waiting for the run of revision ${revision} to start`));
      const stable = stableImage(sb);

      const timeline = recordTimeline(sb);
      const run = canary(sb, ['run', ...args]);
      await run.waitFor(/paused until `canary promote myapp -n apps`/, 90_000);
      const during = canary(sb, ['status', 'myapp', '--watch']);
      await during.waitFor(/Paused - paused at step 2\/9 until `canary promote myapp -n apps`/);

      const spawnedAt = Date.now();
      const abort = await runCanary(sb, ['abort', 'myapp', '--reason', 'error budget burning']);
      expectExit(abort, 0);
      expect(abort.stdout).toMatch(/^traffic is back on stable for apps\/myapp \(canary weight 0%\) [\dms.]+ after the request; the runner scales the canary down\n$/);
      // Back on stable when `abort` returns, before the runner exits.
      expect(splitWeight(sb)).toBe(0);

      const code = await run.done;
      timeline.stop();
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 3);
      const f = parseFinalLine(verdictLine(run.stdout))!;
      expect(f).toMatchObject({ verdict: 'aborted', rollout: 'apps/myapp', revision, step: '2/9' });
      expect(f.reason).toMatch(/^aborted by \S+: error budget burning at step 2\/9 \(weight 10%\)$/);
      expect(run.stdout).toMatch(/abort requested by \S+ \(error budget burning\): rolling back to stable/);
      expect(run.stdout).toMatch(/weight 10% -> 0% canary \(TrafficSplit\)/);
      expect(run.stdout).toMatch(/canary scaled down to 0\n/);
      expect(timeline.weights()).toEqual([10, 0]);
      // The background analysis was cut short by the abort: Terminated, never a success (issue 16 item 1).
      expect(run.stdout).toMatch(/ myapp analysis background Terminated before it finished \(measurements so far: ✔\d+ ✖0 \?0 ⚠0\)\n/);
      expect(run.stdout).not.toMatch(/analysis background Successful/);
      reactions.push({ where: 'pause', ms: timeline.reaction('abort', (w) => w === 0)! });
      endToEnd.push(timeline.entries.find((e) => e.what === 'weight' && e.value === 0)!.t - spawnedAt);

      // The cluster afterwards: stable untouched and serving, canary at 0, state Aborted with the reason.
      expect(stableImage(sb)).toBe(stable);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(serviceSelector(sb, 'myapp-stable')['canary-rollouts/track']).toBe('stable');
      // Argo's abort: the canary Service selects the stable pods again (the canary ones are gone).
      expect(serviceSelector(sb, 'myapp-canary')['canary-rollouts/track']).toBe('stable');
      const state = fullRunState(sb)!;
      expect(state).toMatchObject({ phase: 'Aborted', revision, stepIndex: 1, weight: 0 });
      expect(state.message).toMatch(/error budget burning/);
      expect(state.handledRequests).toHaveLength(1);
      expect(eventReasons(sb)).toEqual(expect.arrayContaining(['RolloutPaused', 'RolloutAborted', 'AnalysisRunTerminated']));
      // `canary status` shows it Terminated with its last measurements, in the tree and in -o wide.
      for (const wide of [[], ['-o', 'wide']]) {
        const st = await runCanary(sb, ['status', 'myapp', ...wide]);
        expectExit(st, 0);
        expect(st.stdout).toMatch(/^└─α background +AnalysisRun +⊘ Terminated +\S+ +✔ [1-9]\d* ✖ 0 \? 0 ⚠ 0/m);
        // Its last measurement: `[]` while the canary had no traffic yet, else the success rate.
        expect(st.stdout).toMatch(/^ {2}└─success-rate +Metric +⊘ Terminated +.*\[[\d.]*\]/m);
        expect(st.stdout).not.toMatch(/AnalysisRun +✔ Successful/);
      }
      const stJson = await statusJson(sb);
      expect(stJson.analyses).toEqual([expect.objectContaining({ id: 'background', terminated: true })]);

      for (const w of [before, during]) {
        expect(await w.done).toBe(3);
        expect(w.stdout).toMatch(/myapp Aborted - aborted by \S+: error budget burning at step 2\/9 \(weight 10%\); rolled back to stable\n$/);
        expect(w.stderr).toMatch(/apps\/myapp was aborted: aborted by \S+: error budget burning/);
        watchLags.push(w.exitedAt! - run.exitedAt!);
      }
      expect(before.stdout).toMatch(/Paused - paused at step 2\/9 until `canary promote myapp -n apps`/);
      for (const extra of [[], ['--revision', revision]]) {
        const after = await runCanary(sb, ['status', 'myapp', '--watch', ...extra]);
        expectExit(after, 3);
      }

      // Idempotent: a second abort has nothing to do.
      const again = await runCanary(sb, ['abort', 'myapp']);
      expectExit(again, 0);
      expect(again.stdout).toMatch(/nothing to abort: the last run of apps\/myapp \(revision \w+\) ended Aborted/);
      // The same revision again is refused (it was aborted): exit 8, a refusal that says what to do.
      const rerun = await runCanary(sb, ['run', ...args]);
      expectExit(rerun, 8);
      expect(lastLine(rerun.stdout)).toMatch(/^✖ refused: apps\/myapp revision \w+, step -, 0s: revision \w+ was aborted before \(.*\): not running it again; `canary retry myapp -n apps` runs it again from step 1, a new revision \(another image or template\) starts a new run$/);
    });

    it('during an analysis step (count 20): the step analysis is terminated, the runner rolls back and exits 3', async () => {
      const { run, code, abort, stable } = await abortRun('analysis', { reason: 'latency' });
      expectExit(abort, 0);
      expect(abort.stdout).toMatch(/traffic is back on stable for apps\/myapp/);
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 3);
      const f = parseFinalLine(verdictLine(run.stdout))!;
      expect(f).toMatchObject({ verdict: 'aborted', step: '2/3' });
      expect(f.reason).toMatch(/aborted by \S+: latency at step 2\/3 \(weight 10%\)/);
      expect(run.stdout).toMatch(/step 2\/3: analysis success-rate-steps/);
      expect(splitWeight(sb)).toBe(0);
      expect(stableImage(sb)).toBe(stable);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      const state = fullRunState(sb)!;
      expect(state).toMatchObject({ phase: 'Aborted', stepIndex: 1, weight: 0 });
      const step = state.analyses.find((a) => a.id.startsWith('step-'))!;
      // Terminated well before its 20 measurements; nothing failed.
      expect(step.metrics[0]!.measurements.length).toBeLessThan(20);
      expect(step.metrics[0]!.measurements.every((m) => m.phase === 'Successful')).toBe(true);
      // Shown as Terminated with its measurements so far, never as a success (issue 16 item 1).
      expect(run.stdout).toMatch(new RegExp(`analysis ${step.id} Terminated before it finished \\(measurements so far: ✔${step.metrics[0]!.measurements.length} ✖0 \\?0 ⚠0\\)`));
      expect(run.stdout).not.toMatch(/analysis (step-\S+|background) Successful/);
      const st = await runCanary(sb, ['status', 'myapp']);
      expect(st.stdout).toMatch(new RegExp(`α ${step.id} +AnalysisRun +⊘ Terminated +\\S+ +✔ ${step.metrics[0]!.measurements.length} ✖ 0`));
      expect(st.stdout).not.toMatch(/AnalysisRun +✔ Successful/);
    });

    it('more aborts for the reaction figures (two in a pause, one in an analysis step)', async () => {
      for (const where of ['pause', 'analysis', 'pause'] as const) {
        const { code, abort, run } = await abortRun(where);
        expectExit(abort, 0);
        expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 3);
        expect(splitWeight(sb)).toBe(0);
      }
      expect(reactions.length).toBeGreaterThanOrEqual(5);
    });

    it('a release rolled back by analysis: status --watch attached before exits 1 (Degraded), and after', async () => {
      const args = ['examples/seed/', '--image', `myapp=${BAD}`, '--time-scale', '0.2'];
      const revision = await plannedRevision(sb, args);
      const before = canary(sb, ['status', 'myapp', '--watch', '--revision', revision]);
      await before.waitFor(new RegExp(`waiting for the run of revision ${revision}`));
      const r = await runCanary(sb, ['run', ...args]);
      expectExit(r, 1);
      expect(await before.done).toBe(1);
      expect(before.stdout).toMatch(/myapp Degraded - rolled back: analysis background failed: metric success-rate/);
      expect(before.stderr).toMatch(/apps\/myapp is Degraded/);
      const after = await runCanary(sb, ['status', 'myapp', '--watch']);
      expectExit(after, 1);
      expect(fullRunState(sb)).toMatchObject({ phase: 'Degraded', revision });
    });
  });
}

