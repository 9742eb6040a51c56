/**
 * What `canary status` asks the API server (issue 15): the route object through the API version it
 * found last time (kube/view-client.ts, kube/discovery-cache.ts: a round trip less), read once for
 * everything the view needs, the same view when the remembered version is wrong; both Deployments
 * in one list, or by name where the Role may not list them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessRule } from '../sandbox/api/authorizer.js';
import { runCli } from '../support/cli.js';
import { cliWorld, type CliWorld } from '../support/seed.js';

const GROUP = 'split.smi-spec.io';

let world: CliWorld;
beforeAll(async () => {
  world = await cliWorld('status-discovery');
  expect((await runCli(['run', world.dir], { env: world.env })).code).toBe(0);
}, 60_000);
afterAll(async () => world?.close());

/** `canary status myapp` with one trace line per API request. */
async function status() {
  const r = await runCli(['status', 'myapp'], { env: { ...world.env, CANARY_TRACE: '1' } });
  expect(r.code).toBe(0);
  const requests = r.stderr.split('\n').filter((l) => l.startsWith('trace '));
  return { out: r.stdout, requests, discovered: requests.some((l) => l.includes(`GET /apis/${GROUP} `)) };
}

const entryFile = () => {
  const server = readFileSync(world.sb.kubeconfigPath, 'utf8').match(/server: https:\/\/(\S+)/)![1]!.replace(':', '_');
  return join(world.dir, '.cache', 'canary', 'discovery', server, `${GROUP}.json`);
};

describe('canary status and API discovery', () => {
  it('asks which TrafficSplit version is served once, then reads it through the remembered one', async () => {
    const first = await status();
    expect(first.discovered).toBe(true);
    expect(existsSync(entryFile())).toBe(true);
    const second = await status();
    expect(second.discovered).toBe(false);
    const routeLines = (out: string) => out.split('\n').filter((l) => /TrafficSplit|ActualWeight/.test(l));
    expect(routeLines(second.out)).toEqual(routeLines(first.out));
    expect(second.out).toMatch(/⇄ myapp +TrafficSplit +✔ Healthy/);
    expect(second.requests.length).toBe(first.requests.length - 1);
  });

  it('reads the TrafficSplit once for its weight and its experiment backends', async () => {
    const { requests } = await status();
    expect(requests.filter((l) => /GET \/apis\/split\.smi-spec\.io\/v1alpha\d\/namespaces\/apps\/trafficsplits\/myapp /.test(l))).toHaveLength(1);
  });

  it('a remembered version the server does not serve: asks again, shows the same, and remembers what it said', async () => {
    const good = await status();
    writeFileSync(entryFile(), JSON.stringify({ group: GROUP, versions: ['v9'], at: Date.now() }));
    const stale = await status();
    expect(stale.discovered).toBe(true);
    expect(stale.out).toMatch(/⇄ myapp +TrafficSplit +✔ Healthy/);
    expect(stale.out.split('\n').filter((l) => l.includes('TrafficSplit'))).toEqual(good.out.split('\n').filter((l) => l.includes('TrafficSplit')));
    expect(JSON.parse(readFileSync(entryFile(), 'utf8')).versions).not.toContain('v9');
    expect((await status()).discovered).toBe(false);
  });

  it('reads both Deployments with one list, and by name where listing them is forbidden', async () => {
    const deployments = () => world.sb.api.stats.snapshot().byResource['deployments.apps'] ?? {};
    const before = deployments();
    const listed = await status();
    const after = deployments();
    expect({ list: (after.list ?? 0) - (before.list ?? 0), get: (after.get ?? 0) - (before.get ?? 0) }).toEqual({ list: 1, get: 0 });
    expect(listed.out).toMatch(/myapp-stable +Deployment/);
    const all: AccessRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    world.sb.api.authorizer.setRules([{ ...all, apiGroups: [''] }, { ...all, apiGroups: ['split.smi-spec.io', 'coordination.k8s.io'] }, { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] }]);
    try {
      const byName = await status();
      // The same workloads, kinds and states, whichever way they were read (ages may tick over).
      const tree = (out: string) => [...out.matchAll(/(myapp-\S+) +(Deployment|Pod) +(\S+ \S+)/g)].map((m) => m.slice(1, 4).join(' '));
      expect(tree(listed.out)).toEqual(expect.arrayContaining([expect.stringMatching(/^myapp-stable Deployment /), expect.stringMatching(/^myapp-stable-\S+ Pod /)]));
      expect(tree(byName.out)).toEqual(tree(listed.out));
      expect(byName.requests.filter((l) => / GET \/apis\/apps\/v1\/namespaces\/apps\/deployments\/myapp-(stable|canary) /.test(l))).toHaveLength(2);
    } finally {
      world.sb.api.authorizer.allowAll();
    }
  });
});
