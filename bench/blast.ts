/**
 * Failure reaction and blast radius. Constant load (50 rps from the seed's meshed client to
 * myapp); a release whose pods answer 500 to every request goes out with the seed's steps and the
 * seed's AnalysisTemplate verbatim (query window 30 s, interval 15 s, failureLimit 0) at time
 * scale 1. We count the failed requests users received from the canary before the TrafficSplit
 * weight went back to 0, and compare them with what the measurement chain allows at best:
 *
 *   - the failure has to be scraped twice (Prometheus `increase` needs two samples of the new
 *     failure series): between s and 2s after the first failed request, s = scrape interval;
 *   - then the next measurement has to come: every I (the metric's interval); the window W
 *     must cover I + 2s or failures between two measurements can go unseen (W = 30 s >= 17 s);
 *   - so with the failure onset at a random phase of the measurement schedule, the expected
 *     exposure is at least 1.5 s + I/2, and never less than s: the floors are rate x that time.
 *
 * Per trial we also compute the floor for canary's actual schedule: measurements at analysis
 * start + k*I; the first that can see the failure is the first at or after (weight 10) + s.
 */
import { join } from 'node:path';
import { startCanary } from './lib/proc.js';
import { seedVariant, tempDir } from './lib/fixtures.js';
import { benchSandbox, Observer, runTo, sleep } from './lib/world.js';
import { median } from './stats.js';
import type { LoadStats } from '../test/sandbox/world/load.js';

export const SCRAPE_S = 1; // test/sandbox/world/prometheus.ts: scrape_interval 1s
export const INTERVAL_S = 15; // examples/seed/analysis-template.yaml
export const WINDOW_S = 30; // increase(...[30s])
export const RPS = 50;
export const WEIGHT = 0.1;

export interface BlastTrial {
  /** Failed requests users received from the canary (and in total) before weight 0 stored. */
  failed: number;
  failedTotal: number;
  /** Requests the canary received, per second, while at weight 10. */
  canaryRps: number;
  /** weight 10 stored -> weight 0 stored. */
  exposureMs: number;
  /** Weight 10 stored -> the measurement that failed (its result time in the run's events). */
  detectMs: number;
  /** Failing measurement -> weight 0 stored. */
  rollbackMs: number;
  /** Floor for this trial's measurement schedule: rate x (first scheduled measurement >= t10 + s, minus t10). */
  scheduleFloor: number;
  /** That first scheduled measurement - t10: the exposure the schedule allows at best. */
  scheduleExposureMs: number;
  /** Background analysis started -> weight 10 stored. */
  analysisToWeightMs: number;
}

export interface BlastResult {
  trials: BlastTrial[];
  floors: { min: number; expected: number; expectedExposureS: number };
  median: { failed: number; exposureMs: number; detectMs: number; rollbackMs: number; scheduleFloor: number; canaryRps: number; scheduleExposureMs: number; analysisToWeightMs: number };
}

export async function benchBlast(trials = 5, log: (m: string) => void = () => undefined): Promise<BlastResult> {
  const tmp = tempDir('blast');
  // The seed, with a short abortScaleDownDelaySeconds so that each trial's runner exits soon after the rollback.
  const dir = seedVariant(join(tmp.dir, 'seed'), (r) => (r.spec.strategy.canary.abortScaleDownDelaySeconds = 1));
  const images: Record<string, { errorRate: number }> = {};
  for (let i = 0; i < trials; i++) images[`example/bad:${i}`] = { errorRate: 1 };
  const sb = await benchSandbox({ load: { rps: RPS, path: '/get' }, images });
  const obs = new Observer(sb);
  const offset = Date.now() - performance.now();
  const out: BlastTrial[] = [];
  try {
    await runTo(sb.kubeconfigPath, ['run', dir]);
    for (let i = 0; i < trials; i++) {
      if (i > 0) await sleep((WINDOW_S + 3) * 1000); // the last trial's failures out of the query window
      const before = sb.load!.stats();
      const since = performance.now();
      const run = startCanary(sb.kubeconfigPath, ['run', dir, '--image', `myapp=example/bad:${i}`, '-o', 'json']);
      const t10 = await obs.weightAt('myapp', 10, since, 60_000);
      const atTen = sb.load!.stats();
      const t0 = await obs.weightAt('myapp', 0, t10, 120_000);
      await sleep(300); // requests in flight at the switch finish
      const after = sb.load!.stats();
      const code = await run.done;
      if (code !== 1) throw new Error(`blast trial ${i}: canary run exited ${code}, expected 1:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
      const events = run.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { type: string; time: string; phase?: string; runId?: string });
      const started = events.find((e) => e.type === 'analysisStarted');
      const failedAt = events.find((e) => e.type === 'measurement' && e.phase === 'Failed');
      if (!started || !failedAt) throw new Error(`blast trial ${i}: no analysisStarted / failed measurement in the events`);
      const ta = Date.parse(started.time) - offset;
      const tf = Date.parse(failedAt.time) - offset;
      const canary = (s: LoadStats) => s.byBackend['myapp-canary'] ?? { ok: 0, failed: 0 };
      const failed = canary(after).failed - canary(before).failed;
      const failedTotal = after.failed - before.failed;
      const canaryRps = ((canary(after).ok + canary(after).failed - canary(atTen).ok - canary(atTen).failed) * 1000) / (t0 - t10);
      // First scheduled measurement (analysis start + k*I) at or after t10 + s.
      const k = Math.max(0, Math.ceil((t10 + SCRAPE_S * 1000 - ta) / (INTERVAL_S * 1000)));
      const scheduleExposureMs = ta + k * INTERVAL_S * 1000 - t10;
      const scheduleFloor = (canaryRps * scheduleExposureMs) / 1000;
      out.push({ failed, failedTotal, canaryRps, exposureMs: t0 - t10, detectMs: tf - t10, rollbackMs: t0 - tf, scheduleFloor, scheduleExposureMs, analysisToWeightMs: t10 - ta });
      log(`blast ${i + 1}/${trials}: ${failed} failed requests (${failedTotal} in total), exposure ${Math.round(t0 - t10)} ms, schedule floor ${scheduleFloor.toFixed(1)}`);
    }
  } finally {
    obs.close();
    await sb.close();
    tmp.remove();
  }
  const rate = RPS * WEIGHT;
  const expectedExposureS = 1.5 * SCRAPE_S + INTERVAL_S / 2;
  const m = (f: (t: BlastTrial) => number) => median(out.map(f));
  return {
    trials: out,
    floors: { min: rate * SCRAPE_S, expected: rate * expectedExposureS, expectedExposureS },
    median: {
      failed: m((t) => t.failed),
      exposureMs: m((t) => t.exposureMs),
      detectMs: m((t) => t.detectMs),
      rollbackMs: m((t) => t.rollbackMs),
      scheduleFloor: m((t) => t.scheduleFloor),
      canaryRps: m((t) => t.canaryRps),
      scheduleExposureMs: m((t) => t.scheduleExposureMs),
      analysisToWeightMs: m((t) => t.analysisToWeightMs),
    },
  };
}
