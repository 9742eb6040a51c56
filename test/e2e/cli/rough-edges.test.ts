/**
 * Issue 16's rough edges through the built binary (bin/canary.js as a child process, output piped as
 * in a CI log) against a sandbox without Prometheus: the list's ACTUAL weight (2), nothing cut off a
 * terminal whatever COLUMNS says (4), every hinted command naming -n and --context and working when
 * pasted (5), a refused API server failing in about a second with its URL (6), a name that is not
 * there pointing at the one meant (7).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { REFUSED_PORT } from '../../support/refused-port.js';
import { join } from 'node:path';
import { catalog } from '../../sandbox/api/catalog.js';
import { cliWorld, type CliWorld } from '../../support/seed.js';
import { expectExit, lastLine, runCanary } from '../support/harness.js';

const IMAGE = 'ghcr.io/mccutchen/go-httpbin';
const CONTEXT = 'canary-sandbox';

/** Every command a text names in backticks. */
function commands(text: string): string[] {
  return [...text.matchAll(/`(canary [^`]*)`/g)].map((m) => m[1]!);
}

describe('rough edges, through the binary', () => {
  let world: CliWorld;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCanary(world.sb, args, { HOME: world.dir, ...env });
  let paused: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    world = await cliWorld('rough-bin');
    expectExit(await cli(['run', world.dir]), 0);
    paused = await cli(['run', world.dir, '--image', `myapp=${IMAGE}:2.17.1`, '--exit-on-pause', '-n', 'apps', '--context', CONTEXT]);
    expectExit(paused, 7);
    // Nothing from Node on stderr (a run reading many objects once drew a MaxListenersExceededWarning).
    expect(paused.stderr).toBe('');
  }, 60_000);
  afterAll(async () => world?.close());

  it('5: every command canary hints names the namespace and the --context given, in the run log, the verdict line and status', async () => {
    expect(lastLine(paused.stdout)).toMatch(/^॥ paused: apps\/myapp revision \w+, step 2\/2, \S+: paused at step 2\/2 until `canary promote myapp -n apps --context canary-sandbox`; exiting because of --exit-on-pause \(`canary promote myapp -n apps --context canary-sandbox` continues, `canary run` resumes\)$/);
    const status = await cli(['status', 'myapp', '--context', CONTEXT]);
    expectExit(status, 0);
    const hinted = [...commands(paused.stdout), ...commands(status.stdout)].filter((c) => c !== 'canary run');
    expect(hinted.length).toBeGreaterThanOrEqual(5);
    for (const c of hinted) expect(c).toMatch(/^canary (promote|abort|retry|status) myapp -n apps --context canary-sandbox( --\w+)?$/);
    // Pasted as printed: the promote works.
    const promote = commands(status.stdout).find((c) => c.startsWith('canary promote'))!;
    const pasted = await cli(promote.split(' ').slice(1));
    expectExit(pasted, 0);
    expect(pasted.stdout).toMatch(/^promote stored for apps\/myapp, but no runner is driving it/);
    expectExit(await cli(['run', world.dir, '--image', `myapp=${IMAGE}:2.17.1`, '--time-scale', '0.01']), 0);
  });

  it('2: the list shows the ACTUAL weight the detail view shows', async () => {
    expectExit(await cli(['run', world.dir, '--image', `myapp=${IMAGE}:2.18`, '--exit-on-pause']), 7);
    const list = await cli(['status', '-n', 'apps']);
    expectExit(list, 0);
    const [header, row] = list.stdout.trimEnd().split('\n');
    const cells = (line: string) => line.split(/ {2,}/);
    const at = cells(header!).indexOf('ACTUAL');
    expect(at).toBeGreaterThan(0);
    expect(cells(row!)[0]).toBe('apps');
    expect(cells(row!)[at]).toBe('30');
    const detail = await cli(['status', 'myapp', '-o', 'json']);
    expect(JSON.parse(detail.stdout).actualWeight).toEqual({ value: 30, source: 'route' });
  });

  it('4: piped (not a terminal), nothing is cut whatever COLUMNS says', async () => {
    const pods = world.sb.store.list(catalog.pods, 'apps').items.map((p) => p.metadata.name).filter((n) => n.startsWith('myapp-'));
    expect(pods.length).toBeGreaterThan(1);
    for (const COLUMNS of ['200', '40', '']) {
      const r = await cli(['status', 'myapp'], { COLUMNS });
      for (const pod of pods) expect({ COLUMNS, pod, shown: r.stdout.includes(`□ ${pod} `) }).toEqual({ COLUMNS, pod, shown: true });
      expect(r.stdout).not.toContain('…');
      const history = await cli(['history', 'myapp'], { COLUMNS });
      expect(history.stdout).toContain('paused at step 2/2 until `canary promote myapp -n apps`');
      expect(history.stdout).not.toContain('…');
    }
  });

  it('7: a name that is not there points at the rollout meant, with a command that works when pasted', async () => {
    const typo = await cli(['status', 'myap']);
    expectExit(typo, 2);
    expect(typo.stderr).toBe('error: no rollout "myap" in namespace apps: canary has no run state, and no myap-stable or myap-canary Deployment; did you mean myapp?\nhint: `canary status myapp -n apps`\n');
    const elsewhere = await cli(['abort', 'myapp', '-n', 'default']);
    expectExit(elsewhere, 2);
    expect(elsewhere.stderr).toMatch(/^error: no rollout "myapp" in namespace default: .*; did you mean myapp in namespace apps\?\nhint: `canary abort myapp -n apps`\n$/);
    // The hint pasted: shows the rollout meant.
    const pasted = await cli(commands(typo.stderr)[0]!.split(' ').slice(1));
    expectExit(pasted, 0);
    expect(pasted.stdout).toMatch(/^Name: +myapp\nNamespace: +apps\n/);
  });

  it('6: a kubeconfig pointing at a port nobody listens on fails in about a second, naming the server, for every verb', async () => {
    const port = REFUSED_PORT;
    const kubeconfig = join(world.dir, 'refused.yaml');
    writeFileSync(kubeconfig, readFileSync(world.sb.kubeconfigPath, 'utf8').replace(/server: https?:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${port}`));
    const refused = `cannot reach the API server at https://127.0.0.1:${port} (context ${CONTEXT}): connect ECONNREFUSED`;
    for (const args of [['status', 'myapp'], ['status', '-n', 'apps'], ['abort', 'myapp'], ['promote', 'myapp'], ['retry', 'myapp'], ['history', 'myapp'], ['run', world.dir]]) {
      const started = Date.now();
      const r = await cli(args, { KUBECONFIG: kubeconfig });
      const ms = Date.now() - started;
      expect({ args, code: r.code }).toEqual({ args, code: 4 });
      expect({ args, stderr: r.stderr.includes(refused) }).toEqual({ args, stderr: true });
      expect(r.stderr).toMatch(/hint: check the server address in the kubeconfig/);
      expect(r.stderr).not.toMatch(/Lease|ConfigMap|at .*\.js:\d+/);
      // Process start-up included; no retries on a refused first contact (the issue measured 6.7 s).
      expect({ args, fast: ms < 3_000 }).toEqual({ args, fast: true });
    }
  });
});
