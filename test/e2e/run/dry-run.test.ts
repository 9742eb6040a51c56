/**
 * `canary run --dry-run examples/seed/` against a cluster where the stable exists: the plan of the
 * seed (9 steps, weights 10/40/70/90/100, four 30 s pauses, background analysis every 15 s), the
 * preflight checks and the objects canary would write; nothing is written.
 */
import { spawn } from 'node:child_process';
import type { Cluster } from '../../sandbox/cluster.js';
import { catalog } from '../../sandbox/api/catalog.js';
import { BIN, expectExit, firstDeploy, GOOD, killAll, requirePrometheus, ROOT, runCanary, runState, SEED, seedCluster, splitWeight, stableImage } from '../support/harness.js';

if (requirePrometheus('run --dry-run')) {
  describe('canary run --dry-run', () => {
    let sb: Cluster;
    beforeAll(async () => {
      sb = await seedCluster();
      await firstDeploy(sb);
    });
    afterEach(killAll);
    afterAll(async () => sb?.close());

    it("prints the seed's plan, the preflight checks and the objects, and writes nothing: exit 0", async () => {
      const state = JSON.stringify(runState(sb));
      // Every write to an object of the rollout (the world's own pods and events aside).
      const writes: string[] = [];
      const stop = sb.store.onChange((type, ev) => {
        if (ev.object.metadata.name.startsWith('myapp') && type.resource !== 'pods' && type.resource !== 'replicasets') writes.push(`${ev.type} ${type.resource} ${ev.object.metadata.name}`);
      });
      const r = await runCanary(sb, ['run', SEED, '--image', `myapp=${GOOD}`, '--dry-run']);
      stop();
      expectExit(r, 0);
      const out = r.stdout;
      expect(out).toMatch(/^plan for apps\/myapp: new revision (\w+): rolling out over 9 steps\n/);
      expect(out).toMatch(/revision \w+ \(stable: \w+\), images ghcr\.io\/mccutchen\/go-httpbin:2\.17\.1/);
      expect(out).toMatch(/traffic: SMI TrafficSplit apps\/myapp \(root Service myapp\)/);

      const steps = out.split('\n').filter((l) => /^ {2}\d+ {4,}/.test(l));
      expect(steps).toHaveLength(9);
      const weights = steps.filter((l) => /setWeight/.test(l)).map((l) => Number(/setWeight (\d+)%/.exec(l)![1]));
      expect(weights).toEqual([10, 40, 70, 90, 100]);
      const pauses = steps.filter((l) => /pause/.test(l));
      expect(pauses).toHaveLength(4);
      for (const p of pauses) expect(p).toMatch(/pause 30s +\d+% +1 +1 +30s +background: success-rate every 15s/);
      for (const s of steps) expect(s).toMatch(/background: success-rate every 15s$/);
      expect(out).toMatch(/then: canary at full size, 100% to the canary, stable rolled to the new revision, traffic back to stable, canary scaled down after 30s/);
      expect(out).toMatch(/background analysis from step 1: success-rate every 15s/);
      expect(out).toMatch(/expected time: 2m30s of pauses, analysis and delays, plus pod start-up/);

      // Preflight: every check passes against the sandbox.
      const checks = out.slice(out.indexOf('preflight:')).split('\n').slice(1).filter((l) => /^ {2}[✔✖!]/.test(l));
      expect(checks.map((l) => /^ {2}. (\S+( \S+)?)/.exec(l)![1]!.trim())).toEqual(
        expect.arrayContaining(['cluster', 'routing API', 'permissions', 'route', 'deployments', 'lock', 'prometheus']),
      );
      expect(checks.every((l) => l.startsWith('  ✔'))).toBe(true);
      expect(out).toMatch(/✔ prometheus +http:\/\/prometheus-server\.monitoring\.svc\.cluster\.local:80 answers/);
      expect(out).toMatch(/✔ routing API +TrafficSplit split\.smi-spec\.io\/v1alpha2/);

      // The objects it would write, with the canary Deployment in full.
      expect(out).toMatch(/objects canary writes:/);
      expect(out).toMatch(/Deployment apps\/myapp-canary/);
      expect(out).toMatch(/image: ghcr\.io\/mccutchen\/go-httpbin:2\.17\.1/);

      // Nothing written: no canary object changed, same run state, stable untouched.
      expect(writes).toEqual([]);
      expect(JSON.stringify(runState(sb))).toBe(state);
      expect(stableImage(sb)).toBe('ghcr.io/mccutchen/go-httpbin:2.17');
      expect(splitWeight(sb)).toBe(0);
      expect(sb.store.tryGet(catalog.deployments, 'apps', 'myapp-canary')).toBeUndefined();
    });

    it('with the stable template unchanged, the dry run says there is nothing to do', async () => {
      const r = await runCanary(sb, ['run', SEED, '--dry-run']);
      expectExit(r, 0);
      expect(r.stdout).toMatch(/nothing to do: revision \w+ is already the stable revision/);
    });

    // The plan shows the intervals the run will use (it printed the unscaled 15s before e101528).
    it('with --time-scale 0.1, the plan shows the scaled analysis interval as the run uses it', async () => {
      const r = await runCanary(sb, ['run', SEED, '--image', `myapp=${GOOD}`, '--dry-run', '--time-scale', '0.1']);
      expectExit(r, 0);
      expect(r.stdout).toMatch(/pause 3s/);
      expect(r.stdout).not.toMatch(/every 15s/);
    });

    // `| head -1` closes stdout early: canary ends quietly (an unhandled EPIPE with a stack trace before e101528).
    it('`canary run --dry-run | head -1`: a closed stdout ends it quietly', async () => {
      const child = spawn(process.execPath, [BIN, 'run', SEED, '--image', `myapp=${GOOD}`, '--dry-run'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: '1', KUBECONFIG: sb.kubeconfigPath },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += String(d)));
      child.stdout.once('data', () => child.stdout.destroy()); // what `head -1` does after its line
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(stderr).not.toMatch(/Unhandled 'error' event|EPIPE|    at /);
      expect([0, 141, null]).toContain(code);
    });
  });
}
