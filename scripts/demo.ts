/**
 * `npm run demo`: the seed article end to end on the local sandbox. Starts a Kubernetes API server,
 * a Linkerd-like mesh with load and a real Prometheus on loopback, then runs the seed's manifests
 * three times with the real `canary` binary: the first deploy, a good release (promoted) and a bad
 * one that answers 500s (rolled back). Prints a summary and leaves nothing running.
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

async function main(): Promise<number> {
  if (!findPrometheus()) {
    process.stderr.write(`The demo needs Prometheus, which is not installed.\n${INSTALL_HINT}\n`);
    return 1;
  }
  const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);
  say(bold('Starting the sandbox: Kubernetes API, Deployment controller, Linkerd-like mesh, load, real Prometheus ...'));
  const started = Date.now();
  const sb = await startSandbox({
    scenario: 'seed',
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
    const runs: [string, string[]][] = [
      [`1. first deploy of ${STABLE} (no steps, no analysis)`, ['run', 'examples/seed/']],
      [`2. a good release: ${GOOD}, promoted after 9 steps`, ['run', 'examples/seed/', '--image', `myapp=${GOOD}`, '--time-scale', TIME_SCALE]],
      [`3. a bad release: ${BAD} answers 500s to dependant-api-service`, ['run', 'examples/seed/', '--image', `myapp=${BAD}`, '--time-scale', TIME_SCALE]],
    ];
    for (const [what, args] of runs) {
      if (interrupted) break;
      if (!load && what.startsWith('2.')) {
        load = sb.startLoad({ rps: 20, path: '/get' });
        say(`(load: 20 requests per second from apps/dependant-api-service to apps/myapp, through the mesh)\n`);
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
    for (const r of results) say(`  ${r.what}\n     exit ${r.code} after ${r.seconds.toFixed(1)} s; requests from dependant-api-service that failed meanwhile: ${r.failedRequests}`);
    const stats = load?.stats();
    if (stats) say(`  load: ${stats.sent} requests sent at ${stats.rps} rps, ${stats.failed} failed in all (the bad canary's share, before canary rolled it back)`);
    say(`  total ${((Date.now() - started) / 1000).toFixed(0)} s. The time scale was x${TIME_SCALE}: the seed's 30 s pauses took 3 s, its 15 s analysis interval 1.5 s.`);
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
