/**
 * What comes after a verdict, through the built binary against real Prometheus (issue 16 items 8, 3
 * and 10): the verdict line as soon as traffic is safe with the scale-down counted down after it
 * (promoted, `--scale-down wait`); `--scale-down leave` exiting at the verdict with the scale-down
 * stored in the run state, shown by `canary status` and done by the next canary command once due
 * (rolled back); the rolled back revision refused on a re-run (exit 8, what to do instead); and
 * `canary history` of those runs, newest first, text and `-o json`; `--report` of both runs (item 12).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cluster } from '../../sandbox/cluster.js';
import {
  BAD,
  canary,
  deployment,
  expectExit,
  firstDeploy,
  fullRunState,
  healthyImage,
  killAll,
  lastLine,
  parseFinalLine,
  requirePrometheus,
  runCanary,
  SEED,
  seedCluster,
  splitWeight,
  stableImage,
  until,
  verdictLine,
} from '../support/harness.js';

if (requirePrometheus('after the verdict')) {
  describe('after the verdict: the scale-down, a refused re-run, history', () => {
    let sb: Cluster;
    let healthy: string;
    const reports = mkdtempSync(join(tmpdir(), 'canary-e2e-reports-'));
    beforeAll(async () => {
      sb = await seedCluster();
      await firstDeploy(sb);
    });
    afterEach(killAll);
    afterAll(async () => {
      rmSync(reports, { recursive: true, force: true });
      await sb?.close();
    });

    it('promoted: the verdict as soon as all traffic is on the new stable, then the scale-down as a countdown (--scale-down wait)', async () => {
      healthy = healthyImage('verdict');
      // 0.1: scaleDownDelaySeconds 30 s -> 3 s.
      const run = canary(sb, ['run', SEED, '--image', `myapp=${healthy}`, '--time-scale', '0.1', '--report', join(reports, 'promoted.md')]);
      // A person releases the first pause (history names them).
      await run.waitFor(/step 2\/9: pause/, 90_000);
      expectExit(await runCanary(sb, ['promote', 'myapp']), 0);
      await run.waitFor(/^✔ promoted: /m, 90_000);
      const verdictAt = Date.now();
      // Traffic is safe when the verdict is printed: the new stable serves it all, the canary still has its pods.
      expect(splitWeight(sb)).toBe(0);
      expect(stableImage(sb)).toBe(healthy);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(1);
      const code = await run.done;
      expectExit({ code, stdout: run.stdout, stderr: run.stderr }, 0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(parseFinalLine(lines.at(-3)!)).toMatchObject({ verdict: 'promoted', rollout: 'apps/myapp', step: '9/9' });
      expect(lines.at(-2)).toMatch(/ myapp scaling the canary down at \S+ \(in 3s, scaleDownDelaySeconds\); Ctrl\+C leaves it to the next canary command$/);
      expect(lines.at(-1)).toMatch(/ myapp canary scaled down to 0$/);
      // The countdown ran after the verdict: the process lived on for the scaled delay.
      expect(run.exitedAt! - verdictAt).toBeGreaterThan(2_000);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect((fullRunState(sb) as unknown as { scaleDown: unknown }).scaleDown).toBeNull();
      // --report (issue 16 item 12): the verdict, the steps, the weights over time, real Prometheus's measurements.
      const md = readFileSync(join(reports, 'promoted.md'), 'utf8');
      expect(md).toMatch(/^### ✅ canary promoted: `apps\/myapp`\n/);
      expect(md).toContain('| 9/9 | setWeight 100% |');
      expect(md).toMatch(/ {2}line \[0, 10, 40, 70, 90, 100, 0\]\n/);
      expect(md).toMatch(/\| background \| success-rate \| Successful \| \[/);
    });

    it('rolled back with --scale-down leave: exits at the verdict; status shows the scale-down; the next canary command does it once due', async () => {
      // 0.2: abortScaleDownDelaySeconds 30 s -> 6 s.
      const r = await runCanary(sb, ['run', SEED, '--image', `myapp=${BAD}`, '--time-scale', '0.2', '--scale-down', 'leave', '--report', join(reports, 'rolled-back.html')]);
      expectExit(r, 1);
      // The HTML report: one self-contained page (test/commands/report.test.ts opens one in chromium).
      const html = readFileSync(join(reports, 'rolled-back.html'), 'utf8');
      expect(html).toMatch(/<title>canary rolled back: apps\/myapp revision \w+<\/title>/);
      expect(html).toMatch(/analysis background failed: metric success-rate/);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|url\(|@import/i);
      expect(parseFinalLine(verdictLine(r.stdout))).toMatchObject({ verdict: 'rolled back', rollout: 'apps/myapp' });
      expect(verdictLine(r.stdout)).toMatch(/: analysis background failed: metric success-rate/);
      expect(lastLine(r.stdout)).toMatch(/ myapp the canary's scale-down \(abortScaleDownDelaySeconds, due \S+\) is left to the next canary command$/);
      expect(r.stdout).not.toMatch(/scaling the canary down at|canary scaled down to 0/);
      // Traffic is back on stable, the canary keeps its pods until the delay is over.
      expect(splitWeight(sb)).toBe(0);
      expect(stableImage(sb)).toBe(healthy);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(1);
      const left = fullRunState(sb)! as unknown as { phase: string; revision: string; scaleDown: { at: number } | null };
      expect(left.phase).toBe('Degraded');
      expect(left.scaleDown).not.toBeNull();

      const status = await runCanary(sb, ['status', 'myapp']);
      expectExit(status, 0);
      expect(status.stdout).toMatch(/^Scale-down: +canary to 0 in \S+ \(abortScaleDownDelaySeconds\), left to the next canary command for this rollout$/m);
      expect(status.stderr).not.toMatch(/scaled the canary/);
      const json = await runCanary(sb, ['status', 'myapp', '-o', 'json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ scaleDown: { delay: 'abortScaleDownDelaySeconds', by: 'next-command' } });
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(1);

      // Due: any canary command for the rollout does it (here `history`), and says so on stderr.
      await until(() => Date.now() >= left.scaleDown!.at, 'the scale-down to be due', 30_000, 200);
      const next = await runCanary(sb, ['history', 'myapp']);
      expectExit(next, 0);
      expect(next.stderr).toBe(`scaled the canary of apps/myapp down to 0: the run of revision ${left.revision} left it to the next canary command\n`);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect((fullRunState(sb) as unknown as { scaleDown: unknown }).scaleDown).toBeNull();
      const after = await runCanary(sb, ['status', 'myapp']);
      expect(after.stdout).not.toMatch(/Scale-down:/);
    });

    it('the rolled back revision again: refused with exit 8, naming `canary retry` and a new revision', async () => {
      const r = await runCanary(sb, ['run', SEED, '--image', `myapp=${BAD}`, '--time-scale', '0.2']);
      expectExit(r, 8);
      expect(r.stderr).toBe('');
      expect(lastLine(r.stdout)).toMatch(
        /^✖ refused: apps\/myapp revision (\w+), step -, \S+: revision \1 was rolled back before \(.*\): not running it again; `canary retry myapp -n apps` runs it again from step 1, a new revision \(another image or template\) starts a new run$/,
      );
      // Nothing moved: no canary pods, no traffic.
      expect(splitWeight(sb)).toBe(0);
      expect(deployment(sb, 'myapp-canary')!.spec.replicas).toBe(0);
      expect(stableImage(sb)).toBe(healthy);
    });

    it('history: the runs newest first, with verdict, reason, step, duration and who promoted', async () => {
      const json = await runCanary(sb, ['history', 'myapp', '-o', 'json']);
      expectExit(json, 0);
      const view = JSON.parse(json.stdout) as { schemaVersion: number; runs: { revision: string; verdict: string; images: string[]; mode: string; reason: string; step: string; by: string[]; durationMs: number | null; startedAt: string }[] };
      expect(view.schemaVersion).toBe(1);
      expect(view.runs.map((x) => [x.mode, x.images[0], x.verdict, x.step])).toEqual([
        ['canary', BAD, 'rolled back', expect.stringMatching(/^[12]\/9$/)],
        ['canary', healthy, 'promoted', '9/9'],
        ['initial', 'ghcr.io/mccutchen/go-httpbin:2.17', 'deployed', '-'],
      ]);
      const [rolledBack, promoted, deployed] = view.runs;
      expect(rolledBack!.reason).toMatch(/^analysis background failed: metric success-rate/);
      expect(rolledBack!.by).toEqual([]);
      expect(promoted!.by).toEqual([expect.stringMatching(/^\S+@\S+ \(promote\)$/)]);
      expect(deployed!.reason).toMatch(/first deploy/);
      for (const run of view.runs) expect(run.durationMs).toEqual(expect.any(Number));
      expect(Date.parse(rolledBack!.startedAt)).toBeGreaterThan(Date.parse(promoted!.startedAt));

      const text = await runCanary(sb, ['history', 'myapp']);
      expectExit(text, 0);
      const lines = text.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^STARTED +REVISION +VERDICT +STEP +DURATION +BY +IMAGES +REASON$/);
      expect(lines.slice(1).map((l) => /[✔✖] (rolled back|promoted|deployed) /.exec(l)?.[1])).toEqual(['rolled back', 'promoted', 'deployed']);
      expect(lines[1]).toContain(` ${rolledBack!.revision} `);
      expect(lines[1]).toContain(BAD);
      expect(lines[2]).toMatch(/ \S+@\S+ \(promote\) +ghcr\.io\/mccutchen\/go-httpbin:2\.17\.1-verdict-\d+ +promoted /);
      // Off a terminal nothing is cut (the reasons are long).
      expect(text.stdout).not.toContain('…');
      expect(lines[1]).toMatch(/analysis background failed: metric success-rate: result \[[\d.]+\] matched failureCondition/);
    });
  });
}
