/**
 * SIGKILL at random points. 20 canary runs (four Rollouts side by side, five releases each) are
 * killed with SIGKILL at a point drawn from their whole length (stratified: kill k of 20 lands in
 * the k-th twentieth of a run), then either resumed with the same `canary run` or rolled back with
 * `canary abort`, as a person would. Over everything the API server stored:
 *   - a canary weight is never more than the stored state's step allows (setWeight; 100 only while
 *     promoting; 0 once rolling back), and never above 0 before a run state exists;
 *   - users never get an error (the releases are healthy: a failure would mean traffic sent to
 *     pods that were not Ready, or to a Service with no endpoints);
 *   - every release ends promoted or fully rolled back (weight 0, canary scaled to 0, canary
 *     Service back on stable), and the state says which: Healthy with the new image as stable,
 *     or Aborted with the previous one.
 */
import { catalog } from '../sandbox/api/catalog.js';
import type { Sandbox } from '../sandbox/index.js';
import type { LoadGenerator } from '../sandbox/world/load.js';
import type { K8sObject } from '../sandbox/store/types.js';
import { mulberry32 } from '../sandbox/api/faults.js';
import { canary, deployment, killAll, requirePrometheus, runCanary, seedSandbox, serviceSelector, splitWeight } from '../e2e/support/harness.js';
import { fleet, tempDir, type FleetMember } from '../../bench/lib/fixtures.js';
import { Recorder, sleep, stackFrames, storedState, type StoredState } from './support/chaos.js';

const ROLLOUTS = 4;
const RELEASES = 5;
const KILLS = ROLLOUTS * RELEASES;
/** An undisturbed release takes about 12 s here (start-up, two 3 s pauses, promotion, 3 s scale-down delay). */
const RUN_SPAN_MS = 14_000;
const SCALE = '0.1';

interface Trial {
  rollout: string;
  killAtMs: number;
  killedIn: string;
  follow: 'resume' | 'abort';
  code: number;
  end: string;
}

/** The weight a stored state allows on the TrafficSplit. */
function allowed(s: StoredState | null): number {
  if (!s) return 0;
  switch (s.phase) {
    case 'Progressing':
    case 'Paused':
      return s.setWeight;
    case 'Promoting':
      return 100;
    default:
      return 0;
  }
}

if (requirePrometheus('SIGKILL at random points')) {
  describe('SIGKILL at random points, then resume or abort', () => {
    let sb: Sandbox;
    let rec: Recorder;
    let members: FleetMember[];
    const loads: LoadGenerator[] = [];
    const tmp = tempDir('chaos-kill');
    const trials: Trial[] = [];

    beforeAll(async () => {
      members = fleet(tmp.dir, 'apps', ROLLOUTS, 15, {
        prefix: 'kill',
        steps: [{ setWeight: 20 }, { pause: { duration: '30s' } }, { setWeight: 60 }, { pause: { duration: '30s' } }],
        abortScaleDownDelaySeconds: 30,
      });
      sb = await seedSandbox({ load: false });
      rec = new Recorder(sb);
      const first = await Promise.all(members.map((m) => runCanary(sb, ['run', m.dir, '--apply-services'])));
      for (const r of first) expect({ code: r.code, err: r.code ? r.stderr : '' }).toEqual({ code: 0, err: '' });
      for (const m of members) loads.push(sb.startLoad({ rps: 10, to: `apps/${m.name}`, durationMs: 30 * 60_000 }));
    });
    afterAll(async () => {
      await killAll();
      rec?.close();
      await sb?.close();
      tmp.remove();
      // eslint-disable-next-line no-console
      if (trials.length) console.log(['kill point | killed in | then | exit | ended', ...trials.map((t) => `${t.rollout} ${(t.killAtMs / 1000).toFixed(1)} s | ${t.killedIn} | ${t.follow} | ${t.code} | ${t.end}`)].join('\n'));
    });

    /** Waits until the Lease's holder is no longer live (a killed runner's Lease goes stale after its duration). */
    async function leaseStale(name: string): Promise<void> {
      const lease = sb.store.tryGet(catalog.leases, 'apps', `${name}-canary-lock`) as (K8sObject & { spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number } }) | undefined;
      if (!lease?.spec?.holderIdentity) return;
      const until = Date.parse(lease.spec.renewTime ?? '') + (lease.spec.leaseDurationSeconds ?? 15) * 1000 + 300;
      await sleep(Math.max(0, until - Date.now()));
    }

    async function release(m: FleetMember, i: number, k: number, rng: () => number): Promise<void> {
      const image = `example/app:kill-${i}`;
      const before = { stable: deployment(sb, `${m.name}-stable`)!.spec.template.spec.containers[0]!.image, runId: storedState(sb, m.name)?.runId };
      const killAtMs = ((k + rng()) / KILLS) * RUN_SPAN_MS;
      const args = ['run', m.dir, '--image', `app=${image}`, '--time-scale', SCALE];
      // A runner killed after taking the Lease but before storing its run leaves a live Lease and
      // nothing for `abort` to do; from outside it looks like a runner starting up, so `canary run`
      // exits 5 naming it until the Lease expires (its message says when). A person waits; so does this.
      await leaseStale(m.name);
      const p = canary(sb, args);
      const exited = await Promise.race([p.done.then(() => true), sleep(killAtMs).then(() => false)]);
      const at = storedState(sb, m.name);
      const killedIn = exited ? 'after it exited' : at?.runId === before.runId || !at ? 'before the run state' : `${at.phase} step ${at.stepIndex + 1}/${at.stepCount}`;
      if (!exited) p.kill('SIGKILL');
      const killedCode = await p.done;
      if (exited) expect({ killedCode, out: killedCode === 0 ? '' : `${p.stdout.slice(-1500)}\n${p.stderr.slice(-1500)}` }).toEqual({ killedCode: 0, out: '' });
      expect(stackFrames(p.stdout + p.stderr)).toEqual([]);

      const follow = rng() < 0.5 ? 'resume' : 'abort';
      let r: { code: number; stdout: string; stderr: string };
      if (follow === 'resume') {
        await leaseStale(m.name); // a live Lease makes `canary run` exit 5 naming the holder; a person would wait too
        r = await runCanary(sb, args);
      } else {
        r = await runCanary(sb, ['abort', m.name, '-n', 'apps']); // waits for the dead runner's Lease, then rolls back itself
      }
      expect({ follow, code: r.code, out: r.code === 0 ? '' : `${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}` }).toEqual({ follow, code: 0, out: '' });
      expect(stackFrames(r.stdout + r.stderr)).toEqual([]);

      // A runner killed after its verdict leaves the canary's scale-down to the next canary command,
      // which does it once due (and once the dead runner's Lease is stale): here `canary status`.
      const pending = (storedState(sb, m.name) as { scaleDown?: { at: number } | null } | null)?.scaleDown;
      if (pending) {
        await leaseStale(m.name);
        await sleep(Math.max(0, pending.at - Date.now()));
        const next = await runCanary(sb, ['status', m.name, '-n', 'apps']);
        expect({ code: next.code, err: next.stderr }).toEqual({ code: 0, err: expect.stringMatching(/^scaled the canary of apps\/\S+ down to 0: /) });
      }

      // The end: promoted or fully rolled back, and the state says which.
      const s = storedState(sb, m.name)!;
      const stable = deployment(sb, `${m.name}-stable`)!;
      const stableImage = stable.spec.template.spec.containers[0]!.image;
      expect(['Healthy', 'Aborted', 'Degraded']).toContain(s.phase);
      expect(splitWeight(sb, m.name)).toBe(0);
      expect(deployment(sb, `${m.name}-canary`)?.spec.replicas ?? 0).toBe(0);
      expect(serviceSelector(sb, `${m.name}-canary`)['canary-rollouts/track']).toBe('stable');
      const newRun = s.runId !== before.runId;
      const end = !newRun ? 'untouched' : s.phase === 'Healthy' ? 'promoted' : 'rolled back';
      expect({ end, stableImage }).toEqual({ end, stableImage: end === 'promoted' ? `example/app:kill-${i}` : before.stable });
      if (newRun && s.phase === 'Healthy') expect(stable.metadata.annotations?.['canary-rollouts/revision']).toBe(s.revision);
      trials.push({ rollout: m.name, killAtMs, killedIn, follow, code: r.code, end });
    }

    it(`${KILLS} kills: weight within the step, no user error, always promoted or fully rolled back`, async () => {
      const since = Date.now();
      await Promise.all(
        members.map(async (m, j) => {
          const rng = mulberry32(1000 + j);
          for (let i = 0; i < RELEASES; i++) await release(m, i, i * ROLLOUTS + j, rng);
        }),
      );
      // Every weight the runners wrote, checked against the state stored at that moment.
      const violations: string[] = [];
      for (const m of members) {
        for (const w of rec.weights.get(m.name) ?? []) {
          if (w.t < since) continue;
          if (w.weight > allowed(w.state)) violations.push(`${m.name}: weight ${w.weight} written while the state was ${w.state?.phase} step ${w.state ? w.state.stepIndex + 1 : '-'} (allows ${allowed(w.state)})`);
        }
      }
      expect(violations).toEqual([]);
      const failed = loads.map((l, j) => ({ rollout: members[j]!.name, failed: l.stats().failed, byStatus: l.stats().byStatus }));
      expect(failed.filter((f) => f.failed > 0)).toEqual([]);
    });
  });
}
