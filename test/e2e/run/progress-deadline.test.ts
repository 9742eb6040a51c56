/**
 * A canary image that never becomes Ready (CrashLoopBackOff in the sandbox): after
 * progressDeadlineSeconds without progress the run rolls back (exit 1) when progressDeadlineAbort is
 * true; without it the run keeps waiting and `status` shows the exceeded deadline (Degraded, not
 * settled: `status --watch` keeps watching, here until its --timeout, exit 6).
 */
import type { Cluster } from '../../sandbox/cluster.js';
import {
  canary,
  CRASH,
  deployment,
  eventReasons,
  expectExit,
  firstDeploy,
  fullRunState,
  killAll,
  lease,
  parseFinalLine, verdictLine,
  recordTimeline,
  removeVariants,
  requirePrometheus,
  runCanary,
  seedCluster,
  splitWeight,
  stableImage,
  statusJson,
  variant,
} from '../support/harness.js';

/** The seed with a 20 s progress deadline (4 s at --time-scale 0.2). */
function deadlineVariant(abort: boolean): string {
  return variant((r) => {
    r.spec.progressDeadlineSeconds = 20;
    if (abort) r.spec.progressDeadlineAbort = true;
  });
}

if (requirePrometheus('progress deadline')) {
  describe('a canary that never becomes Ready', () => {
    let sb: Cluster;
    beforeAll(async () => {
      sb = await seedCluster();
      await firstDeploy(sb);
    });
    afterEach(killAll);
    afterAll(async () => {
      removeVariants();
      await sb?.close();
    });

    it('progressDeadlineAbort: true -> ProgressDeadlineExceeded -> rollback, exit 1, no traffic ever sent to it', async () => {
      const stable = stableImage(sb);
      const timeline = recordTimeline(sb);
      const r = await runCanary(sb, ['run', deadlineVariant(true), '--image', `myapp=${CRASH}`, '--time-scale', '0.2']);
      timeline.stop();
      expectExit(r, 1);
      expect(r.stdout).toMatch(/waiting for canary pods: 0\/1 available/);
      const f = parseFinalLine(verdictLine(r.stdout))!;
      expect(f).toMatchObject({ verdict: 'rolled back', rollout: 'apps/myapp', step: '1/9' });
      expect(f.reason).toMatch(/^ProgressDeadlineExceeded: myapp-canary has 0\/1 pods available after 4s \(pod myapp-canary-\S+: container myapp: CrashLoopBackOff: .*\) at step 1\/9$/);
      // The weight waits for Ready pods: the canary never got any traffic.
      expect(timeline.weights()).toEqual([]);
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(stableImage(sb)).toBe(stable);
      const state = fullRunState(sb)!;
      expect(state.phase).toBe('Degraded');
      expect(state.message).toMatch(/ProgressDeadlineExceeded/);
      const st = await statusJson(sb);
      expect(st.status).toMatchObject({ phase: 'Degraded', reason: 'ProgressDeadlineExceeded', settled: true });
      expect(eventReasons(sb)).toEqual(expect.arrayContaining(['ProgressDeadlineExceeded', 'RolloutAborted']));
    });

    it('without progressDeadlineAbort the run keeps waiting; status shows the deadline exceeded; abort ends it (exit 3)', async () => {
      const run = canary(sb, ['run', deadlineVariant(false), '--image', 'myapp=ghcr.io/mccutchen/go-httpbin:crashloop', '--time-scale', '0.2']);
      await run.waitFor(/ProgressDeadlineExceeded: myapp-canary has 0\/1 pods available after 4s .*\(still waiting: progressDeadlineAbort is false\)/, 90_000);

      const st = await statusJson(sb);
      expect(st.status).toMatchObject({ phase: 'Degraded', reason: 'ProgressDeadlineExceeded', settled: false });
      expect(st.status.message).toMatch(/the run keeps waiting \(progressDeadlineAbort is off\)/);
      expect(st.status.next).toMatch(/fix the pods and the run continues, or `canary abort myapp -n apps` rolls back/);
      const text = await runCanary(sb, ['status', 'myapp']);
      expectExit(text, 0);
      expect(text.stdout).toMatch(/Status: +✖ Degraded/);
      expect(text.stdout).toMatch(/ProgressDeadlineExceeded/);
      expect(text.stdout).toMatch(/CrashLoopBackOff/);
      // Degraded but not settled: a watch does not take it for a verdict.
      const watch = await runCanary(sb, ['status', 'myapp', '--watch', '--timeout', '3s']);
      expectExit(watch, 6);
      expect(watch.stderr).toMatch(/gave up waiting for apps\/myapp \(--timeout\): it is Degraded: ProgressDeadlineExceeded/);
      // Still driven, still at step 1 with no traffic on the canary.
      expect(run.exitedAt).toBeNull();
      expect(lease(sb)!.holder).toContain(`pid ${run.child.pid}`);
      expect(fullRunState(sb)).toMatchObject({ stepIndex: 0 });
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(1);

      const abort = await runCanary(sb, ['abort', 'myapp']);
      expectExit(abort, 0);
      const code = await run.done;
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 3);
      expect(parseFinalLine(verdictLine(run.stdout))).toMatchObject({ verdict: 'aborted', step: '1/9' });
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
    });
  });
}
