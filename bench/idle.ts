/**
 * A long rollout and what a running `canary run` costs while it waits (issue 6's idle cost): the
 * seed with an hour of pauses (three 20-minute pauses between setWeight 10/40/70/100), run at
 * --time-scale F, so an hour of pauses takes F hours. The analysis interval is written as 15 s / F
 * so that, scaled, Prometheus is queried every 15 s of real time as in the seed. Sampled every
 * second from /proc: the runner's RSS and CPU time; from the sandbox's request log: API requests
 * per minute by verb and by resource during the pauses.
 */
import { join } from 'node:path';
import { catalog } from '../test/sandbox/api/catalog.js';
import type { RequestLogEntry } from '../test/sandbox/api/stats.js';
import type { K8sObject } from '../test/sandbox/store/types.js';
import { sampleProc, startCanary, type ProcSample } from './lib/proc.js';
import { secs, seedVariant, tempDir } from './lib/fixtures.js';
import { benchSandbox, runTo } from './lib/world.js';

export const PAUSE_MS = 20 * 60_000;
export const REAL_INTERVAL_MS = 15_000;

export interface IdleResult {
  timeScale: number;
  wallMs: number;
  exitCode: number;
  samples: ProcSample[];
  /** Pause windows (ms since the run started). */
  pauses: { from: number; to: number }[];
  pausedMs: number;
  /** Requests per minute during the pauses. */
  perMinuteByVerb: Record<string, number>;
  perMinuteByResource: Record<string, Record<string, number>>;
  perMinuteTotal: number;
  /** CPU used while paused, as a share of one core. */
  cpuPausedPct: number;
  cpuTotalMs: number;
  rss: { startMb: number; afterFirstMinuteMb: number; maxMb: number; endMb: number; slopeMbPerHour: number; maxAfterFirstMinuteMb: number };
}

export async function benchIdle(timeScale = 0.05, log: (m: string) => void = () => undefined): Promise<IdleResult> {
  const tmp = tempDir('idle');
  const dir = seedVariant(
    join(tmp.dir, 'long'),
    (r) => {
      const pause = { pause: { duration: secs(PAUSE_MS) } };
      r.spec.strategy.canary.steps = [{ setWeight: 10 }, pause, { setWeight: 40 }, pause, { setWeight: 70 }, pause, { setWeight: 100 }];
      r.spec.strategy.canary.scaleDownDelaySeconds = 1;
    },
    (t) => (t.spec.metrics[0].interval = secs(REAL_INTERVAL_MS / timeScale)),
  );
  const sb = await benchSandbox({ load: { rps: 10, path: '/get' }, requestLogLimit: 1_000_000 });
  const phases: { t: number; phase: string }[] = [];
  const off = sb.store.onChange((type, ev) => {
    if (type !== catalog.configmaps && type.resource !== 'configmaps') return;
    if (ev.object.metadata.name !== 'myapp-canary-run') return;
    const json = (ev.object as K8sObject & { data?: Record<string, string> }).data?.['state.json'];
    const phase = json ? (JSON.parse(json) as { phase: string }).phase : '';
    if (phases.at(-1)?.phase !== phase) phases.push({ t: Date.now(), phase });
  });
  try {
    await runTo(sb.kubeconfigPath, ['run', dir]);
    sb.api.stats.reset();
    phases.length = 0;
    const t0 = Date.now();
    const runner = startCanary(sb.kubeconfigPath, ['run', dir, '--image', 'myapp=example/app:long', '--time-scale', String(timeScale)]);
    const sampler = sampleProc(runner.pid, 1000);
    const progress = setInterval(() => log(`idle: ${Math.round((Date.now() - t0) / 1000)} s, RSS ${sampler.samples.at(-1)?.rssMb.toFixed(0)} MB, phase ${phases.at(-1)?.phase ?? '-'}`), 30_000);
    const exitCode = await runner.done;
    clearInterval(progress);
    const samples = sampler.stop();
    const wallMs = Date.now() - t0;
    if (exitCode !== 0) throw new Error(`long rollout exited ${exitCode}:\n${runner.stdout.slice(-2000)}\n${runner.stderr.slice(-2000)}`);

    const pauses: { from: number; to: number }[] = [];
    phases.forEach((p, i) => {
      if (p.phase === 'Paused') pauses.push({ from: p.t - t0, to: (phases[i + 1]?.t ?? Date.now()) - t0 });
    });
    // Steady waiting only: not the first 2 s of a pause (the step's own writes) nor its last second
    // (the observation that ends it belongs to the next step).
    const inPause = (ms: number) => pauses.some((p) => ms >= p.from + 2000 && ms < p.to - 1000);
    const pausedMs = pauses.reduce((n, p) => n + Math.max(0, p.to - p.from - 3000), 0);
    const minutes = pausedMs / 60_000;
    const perMinuteByVerb: Record<string, number> = {};
    const perMinuteByResource: Record<string, Record<string, number>> = {};
    let n = 0;
    for (const e of sb.api.stats.requests() as RequestLogEntry[]) {
      if (!inPause(Date.parse(e.at) - t0)) continue;
      n++;
      perMinuteByVerb[e.verb] = (perMinuteByVerb[e.verb] ?? 0) + 1 / minutes;
      const r = (perMinuteByResource[e.resource || '(non-resource)'] ??= {});
      r[e.verb] = (r[e.verb] ?? 0) + 1 / minutes;
    }
    // CPU while paused: CPU time gained between samples that both lie in one pause.
    let cpuPaused = 0;
    let timePaused = 0;
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1]!;
      const b = samples[i]!;
      if (pauses.some((p) => a.t >= p.from + 2000 && b.t < p.to - 1000)) {
        cpuPaused += b.cpuMs - a.cpuMs;
        timePaused += b.t - a.t;
      }
    }
    const rssAfter = samples.find((s) => s.t >= 60_000) ?? samples.at(-1)!;
    const tail = samples.filter((s) => s.t >= Math.max(60_000, wallMs / 3));
    return {
      timeScale,
      wallMs,
      exitCode,
      samples,
      pauses,
      pausedMs,
      perMinuteByVerb,
      perMinuteByResource,
      perMinuteTotal: n / minutes,
      cpuPausedPct: timePaused ? (100 * cpuPaused) / timePaused : NaN,
      cpuTotalMs: samples.at(-1)!.cpuMs,
      rss: {
        startMb: samples[0]!.rssMb,
        afterFirstMinuteMb: rssAfter.rssMb,
        maxMb: Math.max(...samples.map((s) => s.rssMb)),
        endMb: samples.at(-1)!.rssMb,
        slopeMbPerHour: slope(tail.map((s) => [s.t / 3_600_000, s.rssMb])),
        maxAfterFirstMinuteMb: Math.max(...samples.filter((s) => s.t >= Math.min(60_000, samples.at(-1)!.t)).map((s) => s.rssMb)),
      },
    };
  } finally {
    off();
    await sb.close();
    tmp.remove();
  }
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  if (points.length < 2) return NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
  const my = points.reduce((s, p) => s + p[1], 0) / points.length;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den ? num / den : NaN;
}
