/**
 * `npm run demo`: the seed article end to end on the local sandbox. Starts a Kubernetes API server,
 * a Linkerd-like mesh with load and a real Prometheus on loopback, then runs the seed's manifests
 * three times with the real `canary` binary: the first deploy, a good release (promoted) and a bad
 * one that answers 500s (rolled back). Prints a summary and leaves nothing running.
 * `npm run demo -- --strategy blue-green` does the same with examples/blue-green/: the bad release
 * is caught by prePromotionAnalysis on the preview Service, before the active one ever selects it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../test/sandbox/index.js';
import type { LoadGenerator } from '../test/sandbox/world/load.js';
import { findPrometheus, INSTALL_HINT } from '../test/sandbox/world/prometheus.js';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin', 'canary.js');
const STABLE = 'ghcr.io/mccutchen/go-httpbin:2.17';
const GOOD = 'ghcr.io/mccutchen/go-httpbin:2.17.1';
const BAD = 'ghcr.io/mccutchen/go-httpbin:2.18';
const TIME_SCALE = '0.1';

interface Result {
  what: string;
  command: string;
  code: number;
  seconds: number;
  failedRequests: number;
}

type Strategy = 'canary' | 'blue-green';

interface DemoPlan {
  scenario: 'seed' | 'blue-green';
  example: string;
  runs: [string, string[]][];
  /** Services the dependant service calls once the first deploy is up. */
  targets: string[];
  /** What the failed requests of the users' load were. */
  failures: string;
  outro: string;
}

function planFor(strategy: Strategy): DemoPlan {
  const example = strategy === 'canary' ? 'examples/seed/' : 'examples/blue-green/';
  const release = (image: string) => ['run', example, '--image', `myapp=${image}`, '--time-scale', TIME_SCALE];
  if (strategy === 'canary') {
    return {
      scenario: 'seed',
      example,
      runs: [
        [`1. first deploy of ${STABLE} (no steps, no analysis)`, ['run', example]],
        [`2. a good release: ${GOOD}, promoted after 9 steps`, release(GOOD)],
        [`3. a bad release: ${BAD} answers 500s to dependant-api-service`, release(BAD)],
      ],
      targets: ['apps/myapp'],
      failures: "the bad canary's share, before canary rolled it back",
      outro: `The time scale was x${TIME_SCALE}: the seed's 30 s pauses took 3 s, its 15 s analysis interval 1.5 s.`,
    };
  }
  return {
    scenario: 'blue-green',
    example,
    runs: [
      [`1. first deploy of ${STABLE} (no analysis; both Services on it)`, ['run', example]],
      [`2. a good release: ${GOOD}, checked on the preview, switched, checked again, promoted`, release(GOOD)],
      [`3. a bad release: ${BAD} answers 500s on the preview Service: prePromotionAnalysis rolls it back`, release(BAD)],
    ],
    targets: ['apps/myapp', 'apps/myapp-preview'],
    failures: 'the bad release failed only on the preview Service, which users do not call',
    outro: `The time scale was x${TIME_SCALE}: autoPromotionSeconds (30 s) took 3 s, the 15 s analysis interval 1.5 s; the active Service myapp never selected ${BAD}.`,
  };
}

function strategyArg(argv: readonly string[]): Strategy {
  const i = argv.indexOf('--strategy');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--strategy='))?.slice('--strategy='.length);
  if (value === undefined) return 'canary';
  if (value === 'canary' || value === 'seed') return 'canary';
  if (value === 'blue-green' || value === 'bluegreen') return 'blue-green';
  throw new Error(`--strategy ${value}: expected canary (the seed, the default) or blue-green`);
}

async function main(): Promise<number> {
  const plan = planFor(strategyArg(process.argv.slice(2)));
  if (!findPrometheus()) {
    process.stderr.write(`The demo needs Prometheus, which is not installed.\n${INSTALL_HINT}\n`);
    return 1;
  }
  const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);
  say(bold('Starting the sandbox: Kubernetes API, Deployment controller, Linkerd-like mesh, load, real Prometheus ...'));
  const started = Date.now();
  const sb = await startSandbox({
    scenario: plan.scenario,
    prometheus: true,
    podStartDelayMs: 500,
    // The load starts after the first deploy: before it there is no pod to answer.
    load: false,
    // The bad release fails every request from the dependant service, as the article's demo does.
    images: { [BAD]: { errorRate: 1 } },
    log: () => undefined,
  });
  let interrupted = false;
  const stop = () => {
    interrupted = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const results: Result[] = [];
  let load: LoadGenerator | undefined;
  try {
    say(`  ready in ${((Date.now() - started) / 1000).toFixed(1)} s; KUBECONFIG=${sb.kubeconfigPath}\n`);
    for (const [what, args] of plan.runs) {
      if (interrupted) break;
      if (!load && what.startsWith('2.')) {
        // The first target's load is the one users feel; the preview's only feeds prePromotionAnalysis.
        [load] = plan.targets.map((to) => sb.startLoad({ rps: 20, path: '/get', to }));
        say(`(load: 20 requests per second from apps/dependant-api-service to ${plan.targets.join(' and to ')}, through the mesh)\n`);
      }
      say(bold(what));
      say(`$ canary ${args.join(' ')}`);
      const before = load?.stats();
      const t0 = Date.now();
      const code = await runCanary(sb, args);
      const after = load?.stats();
      results.push({ what, command: `canary ${args.join(' ')}`, code, seconds: (Date.now() - t0) / 1000, failedRequests: (after?.failed ?? 0) - (before?.failed ?? 0) });
      say(`exit code ${code}\n`);
    }
    say(bold('Summary'));
    for (const r of results) say(`  ${r.what}\n     exit ${r.code} after ${r.seconds.toFixed(1)} s; requests from dependant-api-service to ${plan.targets[0]} that failed meanwhile: ${r.failedRequests}`);
    const stats = load?.stats();
    if (stats) say(`  load to ${plan.targets[0]}: ${stats.sent} requests sent at ${stats.rps} rps, ${stats.failed} failed in all (${plan.failures})`);
    say(`  total ${((Date.now() - started) / 1000).toFixed(0)} s. ${plan.outro}`);
    const ok = results.length === 3 && results[0]!.code === 0 && results[1]!.code === 0 && results[2]!.code === 1;
    say(ok ? 'As in the article: the good release was promoted (exit 0), the bad one rolled back automatically (exit 1).' : 'Unexpected exit codes: see the output above.');
    return ok ? 0 : 1;
  } finally {
    await sb.close();
    say('Sandbox stopped; nothing left running.');
  }
}

function runCanary(sb: Sandbox, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: 'inherit', env: { ...process.env, KUBECONFIG: sb.kubeconfigPath } });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

function say(s: string): void {
  process.stdout.write(`${s}\n`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
