/**
 * Notifications through main() against an in-process sandbox and a receiver on 127.0.0.1 (issue 16
 * item 11): `--notify URL` and an Argo subscription (annotation + argo-rollouts-notification-configmap
 * in the files); a receiver that fails is reported once, the run's verdict and exit code unchanged,
 * the URL's token never printed.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { cliWorld, seedWithoutAnalysis, type CliWorld } from '../support/seed.js';

const IMAGE = 'ghcr.io/mccutchen/go-httpbin';
const TOKEN = 'tok-9f8e7d6c5b4a';

interface Post {
  path: string;
  body: { event: string; trigger: string; rollout: { name: string }; images: string[] };
}

describe('notifications through the CLI', () => {
  let world: CliWorld;
  let receiver: Server;
  let base: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const posts: Post[] = [];
  let failing = false;
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += String(c)));
      req.on('end', () => {
        if (failing) return void res.writeHead(500).end(`token ${TOKEN} rejected`);
        posts.push({ path: req.url ?? '', body: JSON.parse(body) as Post['body'] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    world = await cliWorld('notify', null);
    ({ dir } = world);
    env = { ...world.env };
  }, 30_000);
  afterAll(async () => {
    await world?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('--notify: every transition that matters, in order; an Argo subscription: only its trigger', async () => {
    const rollout = seedWithoutAnalysis()
      .replace('        - pause: {}\n', '        - pause: {duration: 10s}\n')
      .replace('  namespace: apps\n', '  namespace: apps\n  annotations:\n    notifications.argoproj.io/subscribe.on-rollout-completed.ci: ""\n');
    writeFileSync(join(dir, 'rollout.yaml'), rollout);
    writeFileSync(join(dir, 'notifications.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argo-rollouts-notification-configmap\ndata:\n  service.webhook.ci: |\n    url: ${base}/argo/ci\n`);
    const notify = ['--notify', `${base}/hook/${TOKEN}`];
    expect((await runCli(['run', dir, ...notify], { env })).code).toBe(0);
    const r = await runCli(['run', dir, '--image', `myapp=${IMAGE}:2.17.1`, '--time-scale', '0.01', ...notify], { env });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).not.toMatch(/warning/);
    const flag = posts.filter((p) => p.path === `/hook/${TOKEN}`).map((p) => p.body.event);
    expect(flag).toEqual(['started', 'deployed', 'started', 'stepCompleted', 'paused', 'stepCompleted', 'promoted']);
    const argo = posts.filter((p) => p.path === '/argo/ci').map((p) => [p.body.event, p.body.trigger, p.body.images[0]]);
    expect(argo).toEqual([
      ['deployed', 'on-rollout-completed', `${IMAGE}:2.17`],
      ['promoted', 'on-rollout-completed', `${IMAGE}:2.17.1`],
    ]);
  });

  it('a failing receiver: reported once, redacted; the release goes on to its verdict', async () => {
    failing = true;
    try {
      const r = await runCli(['run', dir, '--image', `myapp=${IMAGE}:2.18`, '--time-scale', '0.01', '--notify', `${base}/hook/${TOKEN}`, '--scale-down', 'leave'], { env });
      expect(r.code).toBe(0);
      const warnings = r.stdout.split('\n').filter((l) => l.includes('warning'));
      expect(warnings).toHaveLength(2); // the --notify webhook and the Argo webhook, once each
      expect(warnings[0]).toMatch(new RegExp(`^warning: notification to webhook ${base.replace(/[.]/g, '\\.')}/… failed: 500 Internal Server Error: token \\*\\*\\*\\*\\* rejected; the release goes on`));
      expect(r.stdout + r.stderr).not.toContain(TOKEN);
      expect(r.stdout).toMatch(/^✔ promoted: /m);
    } finally {
      failing = false;
    }
  });

  it('a bad --notify is a usage error before anything runs', async () => {
    const r = await runCli(['run', dir, '--notify', 'not a url'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --notify not a url: not a URL/);
  });
});
