/**
 * Issue 16's rough edges through the CLI (main(), as the binary runs it) against an in-process
 * sandbox: the list's ACTUAL weight (2), nothing cut off a terminal (4), hints naming -n and
 * --context (5), a refused connection on first contact (6), a rollout name that is not there (7).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { REFUSED_PORT } from '../support/refused-port.js';
import { join } from 'node:path';
import { catalog } from '../sandbox/api/catalog.js';
import type { Sandbox } from '../sandbox/index.js';
import { runCli } from '../support/cli.js';
import { cliWorld, type CliWorld } from '../support/seed.js';

describe('rough edges, through the CLI against a sandbox', () => {
  let world: CliWorld;
  let sb: Sandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    world = await cliWorld('rough');
    ({ sb, dir } = world);
    env = { ...world.env, COLUMNS: '200' };
    expect((await runCli(['run', dir], { env })).code).toBe(0);
    const paused = await runCli(['run', dir, '--image', 'myapp=ghcr.io/mccutchen/go-httpbin:2.17.1', '--exit-on-pause'], { env });
    expect({ code: paused.code, err: paused.stderr }).toEqual({ code: 7, err: '' });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it('5: the pause hint names the namespace (and --context when given)', async () => {
    const r = await runCli(['status', 'myapp', '--context', 'canary-sandbox'], { env });
    expect(r.stdout).toMatch(/^Message: +paused at step 2\/2 until `canary promote myapp -n apps --context canary-sandbox`$/m);
    expect(r.stdout).toMatch(/^Next: +no runner waits: `canary promote myapp -n apps --context canary-sandbox` then `canary run` continues, `canary abort myapp -n apps --context canary-sandbox` rolls back$/m);
  });

  it('2: the list shows the ACTUAL weight the detail view shows', async () => {
    const list = await runCli(['status', '-n', 'apps'], { env });
    expect(list.code).toBe(0);
    const [header, row] = list.stdout.trimEnd().split('\n');
    const cells = (line: string) => line.split(/ {2,}/);
    const at = cells(header!).indexOf('ACTUAL');
    expect(cells(row!)[0]).toBe('apps');
    expect(cells(row!)[at]).toBe('30');
    const detail = await runCli(['status', 'myapp', '-o', 'json'], { env });
    expect(JSON.parse(detail.stdout).actualWeight).toEqual({ value: 30, source: 'route' });
  });

  it('4: off a terminal nothing is cut, whatever COLUMNS says', async () => {
    const r = await runCli(['status', 'myapp'], { env: { ...env, COLUMNS: '80' } });
    const pods = sb.store.list(catalog.pods, 'apps').items.map((p) => p.metadata.name).filter((n) => n.startsWith('myapp-'));
    expect(pods.length).toBeGreaterThan(1);
    for (const pod of pods) expect(r.stdout).toContain(`□ ${pod} `);
    expect(r.stdout).not.toContain('…');
  });

  it('7: a name that is not there points at the rollout meant, with a command to paste', async () => {
    const typo = await runCli(['status', 'myap'], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(
      'error: no rollout "myap" in namespace apps: canary has no run state, and no myap-stable or myap-canary Deployment; did you mean myapp?\nhint: `canary status myapp -n apps`\n',
    );
    const elsewhere = await runCli(['abort', 'myapp', '-n', 'default'], { env });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^error: no rollout "myapp" in namespace default: canary has no run recorded \(no ConfigMap default\/myapp-canary-run\); did you mean myapp in namespace apps\?\nhint: `canary abort myapp -n apps`\n$/);
    const nothing = await runCli(['status', 'zzz-unrelated'], { env });
    expect(nothing.stderr).toMatch(/hint: check the name and -n; `canary status -n apps` lists the rollouts canary manages/);
  });

  it('6: a kubeconfig pointing at a port nobody listens on fails at once, naming the server', async () => {
    const port = REFUSED_PORT;
    const kubeconfig = join(dir, 'refused.yaml');
    writeFileSync(kubeconfig, readFileSync(sb.kubeconfigPath, 'utf8').replace(/server: https?:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${port}`));
    const refused = new RegExp(`cannot reach the API server at https://127\\.0\\.0\\.1:${port} \\(context canary-sandbox\\): connect ECONNREFUSED`);
    const status = await runCli(['status', 'myapp'], { env: { ...env, KUBECONFIG: kubeconfig } });
    expect(status.code).toBe(4);
    expect(status.stderr).toMatch(new RegExp(`^error: ${refused.source}.*\nhint: check the server address in the kubeconfig`));
    // canary run: its preflight's first check says it, and nothing else is tried.
    const run = await runCli(['run', dir], { env: { ...env, KUBECONFIG: kubeconfig } });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(new RegExp(`^preflight:\n {2}✖ cluster +${refused.source}`));
    for (const r of [status, run]) expect(r.stderr).not.toMatch(/Lease|ConfigMap/);
  });
});
