/**
 * Abort reaction: a runner holds the seed at weight 10 (an indefinite pause after setWeight 10),
 * `canary abort myapp` is started in another process, and we time, in the API server's store:
 * the abort request landing in the run ConfigMap and the TrafficSplit's canary weight reaching 0.
 */
import { join } from 'node:path';
import { startCanary } from './lib/proc.js';
import { seedVariant, tempDir } from './lib/fixtures.js';
import { benchCluster, Observer, runState, runTo, sleep } from './lib/world.js';
import { median, percentile } from './stats.js';

export interface AbortRun {
  /** `canary abort` spawned -> request stored in the ConfigMap. */
  toRequestMs: number;
  /** Request stored -> weight 0 stored (the runner's reaction). */
  reactionMs: number;
  /** `canary abort` spawned -> weight 0 stored. */
  endToEndMs: number;
  /** `canary abort` spawned -> it exited (what the person waits for). */
  abortExitMs: number;
  abortCode: number;
  runCode: number;
}

export interface AbortResult {
  runs: AbortRun[];
  summary: Record<'toRequestMs' | 'reactionMs' | 'endToEndMs' | 'abortExitMs', { median: number; p95: number; max: number }>;
}

export async function benchAbort(runs = 20, log: (m: string) => void = () => undefined, controlPlane: 'sandbox' | 'real' = 'sandbox'): Promise<AbortResult> {
  const tmp = tempDir('abort');
  const dir = seedVariant(join(tmp.dir, 'seed'), (r) => {
    r.spec.strategy.canary.steps = [{ setWeight: 10 }, { pause: {} }, ...r.spec.strategy.canary.steps.slice(2)];
    r.spec.strategy.canary.abortScaleDownDelaySeconds = 1;
  });
  const sb = await benchCluster(controlPlane, { load: { rps: 20, path: '/get' } });
  const obs = new Observer(sb);
  const out: AbortRun[] = [];
  try {
    await runTo(sb.kubeconfigPath, ['run', dir]);
    for (let i = 0; i < runs; i++) {
      const since = performance.now();
      const runner = startCanary(sb.kubeconfigPath, ['run', dir, '--image', `myapp=example/app:abort-${i}`]);
      await obs.weightAt('myapp', 10, since, 60_000);
      await obs.until(() => (runState(sb, 'myapp')?.phase === 'Paused' ? true : undefined), 'the pause', 30_000);
      await sleep(300);
      const t0 = performance.now();
      const abort = startCanary(sb.kubeconfigPath, ['abort', 'myapp', '-n', 'apps']);
      const tReq = await obs.requestAt('myapp', t0, 60_000);
      const tZero = await obs.weightAt('myapp', 0, t0, 60_000);
      const abortCode = await abort.done;
      const tExit = performance.now();
      const runCode = await runner.done;
      if (runCode !== 3) throw new Error(`abort run ${i}: canary run exited ${runCode}, expected 3:\n${runner.stdout.slice(-1500)}\n${runner.stderr.slice(-1500)}`);
      out.push({ toRequestMs: tReq - t0, reactionMs: tZero - tReq, endToEndMs: tZero - t0, abortExitMs: tExit - t0, abortCode, runCode });
      log(`abort ${i + 1}/${runs}: request ${Math.round(tReq - t0)} ms, reaction ${Math.round(tZero - tReq)} ms, end to end ${Math.round(tZero - t0)} ms`);
    }
  } finally {
    obs.close();
    await sb.close();
    tmp.remove();
  }
  const stat = (k: keyof Omit<AbortRun, 'abortCode' | 'runCode'>) => {
    const xs = out.map((r) => r[k]);
    return { median: median(xs), p95: percentile(xs, 95), max: Math.max(...xs) };
  };
  return { runs: out, summary: { toRequestMs: stat('toRequestMs'), reactionMs: stat('reactionMs'), endToEndMs: stat('endToEndMs'), abortExitMs: stat('abortExitMs') } };
}
