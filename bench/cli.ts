/**
 * One-shot commands, wall time per process: `canary --help`, `canary lint examples/seed/`,
 * `canary status myapp` while a run is paused at weight 10, and `kubectl get` of the objects that
 * status reads, against the same sandbox. Interleaved rounds; a temporary HOME shared by all (kubectl
 * keeps its discovery cache there, warmed by the warm-up runs, as on a workstation).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, canaryEnv, startCanary } from './lib/proc.js';
import { seedVariant, tempDir } from './lib/fixtures.js';
import { benchCluster, Observer, runState, runTo } from './lib/world.js';
import { measure, type StartupResult, type Target } from './startup.js';

export interface CliResult {
  results: StartupResult[];
  kubectl: string;
}

export async function benchCli(runs = 20, log: (m: string) => void = () => undefined, controlPlane: 'sandbox' | 'real' = 'sandbox'): Promise<CliResult> {
  const tmp = tempDir('cli');
  const dir = seedVariant(join(tmp.dir, 'seed'), (r) => {
    r.spec.strategy.canary.steps = [{ setWeight: 10 }, { pause: {} }, ...r.spec.strategy.canary.steps.slice(2)];
    r.spec.strategy.canary.abortScaleDownDelaySeconds = 1;
  });
  const sb = await benchCluster(controlPlane, { load: { rps: 10, path: '/get' } });
  const obs = new Observer(sb);
  try {
    await runTo(sb.kubeconfigPath, ['run', dir]);
    const runner = startCanary(sb.kubeconfigPath, ['run', dir, '--image', 'myapp=example/app:cli']);
    await obs.until(() => (runState(sb, 'myapp')?.phase === 'Paused' ? true : undefined), 'the pause at weight 10', 60_000);
    const home = join(tmp.dir, 'home');
    const env = { ...canaryEnv(sb.kubeconfigPath), HOME: home };
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? 'kubectl';
    const canary = (label: string, args: string[]): Target => ({ label, cmd: process.execPath, args: [BIN, ...args], env, shown: `canary ${args.join(' ')}` });
    const kget = (label: string, args: string[]): Target => ({ label, cmd: 'kubectl', args, env, shown: `kubectl ${args.join(' ')}` });
    const targets: Target[] = [
      { label: 'node -e ""', cmd: process.execPath, args: ['-e', ''], env },
      canary('canary --help', ['--help']),
      canary('canary lint examples/seed/', ['lint', 'examples/seed/']),
      canary('canary status myapp', ['status', 'myapp', '-n', 'apps']),
      // Every object status reads by name, the two Services included (their selectors are in its view).
      kget('kubectl get (same objects)', ['get', '-n', 'apps', 'configmap/myapp-canary-run', 'lease/myapp-canary-lock', 'deployment/myapp-stable', 'deployment/myapp-canary', 'service/myapp-stable', 'service/myapp-canary', 'trafficsplit/myapp']),
      kget('kubectl get pods -l', ['get', '-n', 'apps', 'pods', '-l', 'canary-rollouts/track']),
      kget('kubectl version --client', ['version', '--client']),
    ];
    log(`cli: ${targets.length} commands x ${runs} runs`);
    const results = await measure(targets, runs);
    await startCanary(sb.kubeconfigPath, ['abort', 'myapp', '-n', 'apps']).done;
    await runner.done;
    return { results, kubectl };
  } finally {
    obs.close();
    await sb.close();
    tmp.remove();
  }
}
