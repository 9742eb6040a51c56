/**
 * 50 rollouts driven at once by 50 `canary run` processes against one sandbox (scenario `empty`,
 * namespace `fleet`, Rollouts app-00..app-49 each with its own three Services, created by
 * `--apply-services`, and its own background analysis every 15 s through the service proxy).
 * Measured: the first deploys all at once; the canary runs all at once until each holds weight
 * 10 in an indefinite pause; API requests per minute by verb while 50 runners wait; their summed
 * RSS and CPU; then an abort request written to all 50 run ConfigMaps in the same instant, and the
 * time until each TrafficSplit is back at 0.
 */
import { catalog } from '../test/sandbox/api/catalog.js';
import type { RequestLogEntry } from '../test/sandbox/api/stats.js';
import type { K8sObject } from '../test/sandbox/store/types.js';
import { ensureNamespace } from '../test/sandbox/world/scenario.js';
import { INJECT_ANNOTATION } from '../test/sandbox/world/deployments/mesh-injection.js';
import { requestKey } from '../src/kube/run-configmap.js';
import type { RunRequest } from '../src/engine/types.js';
import { readProc, startCanary, type Proc } from './lib/proc.js';
import { fleet, tempDir } from './lib/fixtures.js';
import { benchSandbox, Observer, runState, sleep } from './lib/world.js';
import { median, percentile } from './stats.js';

const NS = 'fleet';

export interface Dist {
  median: number;
  p95: number;
  max: number;
}

export interface FleetResult {
  count: number;
  firstDeployWallMs: number;
  /** `canary run` spawned -> that rollout's weight 10 stored. */
  toWeight10: Dist;
  allAtWeight10Ms: number;
  steadyMs: number;
  perMinuteByVerb: Record<string, number>;
  perMinuteTotal: number;
  perMinuteByResource: Record<string, Record<string, number>>;
  rssTotalMb: number;
  rssPerRunnerMb: number;
  cpuPct: number;
  /** Abort requests stored (all at once) -> each weight 0 stored. */
  abortReaction: Dist;
  abortRequests: number;
  abortCodes: Record<string, number>;
}

const dist = (xs: number[]): Dist => ({ median: median(xs), p95: percentile(xs, 95), max: Math.max(...xs) });

export async function benchFleet(count = 50, steadyMs = 60_000, log: (m: string) => void = () => undefined): Promise<FleetResult> {
  const tmp = tempDir('fleet');
  const members = fleet(tmp.dir, NS, count, 15);
  const sb = await benchSandbox({ scenario: 'empty', load: false, requestLogLimit: 1_000_000 });
  ensureNamespace(sb.store, NS, { [INJECT_ANNOTATION]: 'enabled' });
  const obs = new Observer(sb);
  const runners: Proc[] = [];
  try {
    // First deploys, all at once.
    let t = performance.now();
    const first = members.map((m) => startCanary(sb.kubeconfigPath, ['run', m.dir, '--apply-services']));
    const firstCodes = await Promise.all(first.map((p) => p.done));
    const bad = firstCodes.findIndex((c) => c !== 0);
    if (bad >= 0) throw new Error(`fleet first deploy of ${members[bad]!.name} exited ${firstCodes[bad]}:\n${first[bad]!.stdout.slice(-1500)}\n${first[bad]!.stderr.slice(-1500)}`);
    const firstDeployWallMs = performance.now() - t;
    log(`fleet: ${count} first deploys in ${(firstDeployWallMs / 1000).toFixed(1)} s`);

    // Canary runs, all at once, until each holds weight 10 in its pause.
    t = performance.now();
    for (const m of members) runners.push(startCanary(sb.kubeconfigPath, ['run', m.dir, '--image', 'app=example/app:2']));
    const at10 = await Promise.all(
      members.map((m, i) =>
        Promise.race([
          obs.weightAt(m.name, 10, t, 600_000),
          runners[i]!.done.then((code) => {
            throw new Error(`fleet: canary run of ${m.name} exited ${code} before weight 10:\n${runners[i]!.stdout.slice(-1500)}\n${runners[i]!.stderr.slice(-1500)}`);
          }),
        ]),
      ),
    );
    await obs.until(() => (members.every((m) => runState(sb, m.name, NS)?.phase === 'Paused') ? true : undefined), 'every run paused', 120_000);
    const allAtWeight10Ms = Math.max(...at10) - t;
    log(`fleet: all ${count} at weight 10 after ${(allAtWeight10Ms / 1000).toFixed(1)} s`);

    // Steady state: 50 runners waiting.
    await sleep(5_000);
    sb.api.stats.reset();
    const cpu0 = runners.map((r) => readProc(r.pid)?.cpuMs ?? 0);
    const s0 = Date.now();
    await sleep(steadyMs);
    const procs = runners.map((r) => readProc(r.pid));
    const elapsed = Date.now() - s0;
    const minutes = elapsed / 60_000;
    const perMinuteByVerb: Record<string, number> = {};
    const perMinuteByResource: Record<string, Record<string, number>> = {};
    let n = 0;
    for (const e of sb.api.stats.requests() as RequestLogEntry[]) {
      if (Date.parse(e.at) < s0) continue;
      n++;
      perMinuteByVerb[e.verb] = (perMinuteByVerb[e.verb] ?? 0) + 1 / minutes;
      const r = (perMinuteByResource[e.resource || '(non-resource)'] ??= {});
      r[e.verb] = (r[e.verb] ?? 0) + 1 / minutes;
    }
    const rssTotalMb = procs.reduce((s, p) => s + (p?.rssMb ?? 0), 0);
    const cpuPct = (100 * procs.reduce((s, p, i) => s + ((p?.cpuMs ?? 0) - cpu0[i]!), 0)) / elapsed;
    log(`fleet: steady ${n} requests in ${(elapsed / 1000).toFixed(0)} s, RSS ${rssTotalMb.toFixed(0)} MB, CPU ${cpuPct.toFixed(1)}%`);

    // Abort all at once: the request a `canary abort` writes, into every run ConfigMap in one go.
    const ta = performance.now();
    for (const m of members) {
      const cm = sb.store.get(catalog.configmaps, NS, `${m.name}-canary-run`) as K8sObject & { data?: Record<string, string> };
      const req: RunRequest = { id: `abort-bench-${m.name}`, kind: 'abort', at: Date.now(), by: 'bench@fleet', reason: 'fleet bench' };
      sb.store.update(catalog.configmaps, NS, { ...cm, data: { ...cm.data, [requestKey(req.id)]: JSON.stringify(req) } });
    }
    const zero = await Promise.all(members.map((m) => obs.weightAt(m.name, 0, ta, 120_000)));
    const codes = await Promise.all(runners.map((r) => r.done));
    const abortCodes: Record<string, number> = {};
    for (const c of codes) abortCodes[c] = (abortCodes[c] ?? 0) + 1;
    const abortRequests = (sb.api.stats.requests() as RequestLogEntry[]).filter((e) => Date.parse(e.at) >= Date.now() - (performance.now() - ta)).length;
    log(`fleet: all ${count} at weight 0 ${(Math.max(...zero) - ta).toFixed(0)} ms after the requests`);
    return {
      count,
      firstDeployWallMs,
      toWeight10: dist(at10.map((x) => x - t)),
      allAtWeight10Ms,
      steadyMs: elapsed,
      perMinuteByVerb,
      perMinuteTotal: n / minutes,
      perMinuteByResource,
      rssTotalMb,
      rssPerRunnerMb: rssTotalMb / count,
      cpuPct,
      abortReaction: dist(zero.map((x) => x - ta)),
      abortRequests,
      abortCodes,
    };
  } finally {
    obs.close();
    for (const r of runners) r.child.kill('SIGKILL');
    await sb.close();
    tmp.remove();
  }
}
