/**
 * Notifications of the built binary (issue 16 item 11) on a promoted and a rolled back run of the
 * seed against real Prometheus, counted and checked by a receiver on 127.0.0.1: `--notify URL`
 * (canary's JSON event for every transition), and Argo's subscriptions (annotations on the Rollout)
 * resolved against argo-rollouts-notification-configmap and argo-rollouts-notification-secret found
 * in the cluster: a `service.webhook` with a header from the Secret, and `service.slack`
 * (chat.postMessage, its apiURL pointed at the receiver) getting Slack messages. A receiver that is
 * down is reported once and changes nothing of the release. No token is printed.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { catalog } from '../../sandbox/api/catalog.js';
import type { Cluster } from '../../sandbox/cluster.js';
import { BAD, expectExit, firstDeploy, healthyImage, killAll, removeVariants, requirePrometheus, runCanary, seedCluster, variant } from '../support/harness.js';

const HOOK_TOKEN = 'hook-4c1d9e2f7a';
const CI_TOKEN = 'ci-secret-81b0c3';
const SLACK_TOKEN = 'xoxb-e2e-5a6b7c8d';

interface Post {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
}

/** The seed's nine steps: each one completes; each of its four pauses is announced first. */
const SEED_PROMOTED = ['started', ...[10, 'p', 40, 'p', 70, 'p', 90, 'p', 100].flatMap((s) => (s === 'p' ? ['paused', 'stepCompleted'] : ['stepCompleted'])), 'promoted'];

if (requirePrometheus('notifications')) {
  describe('notifications: --notify and Argo subscriptions, to a receiver on 127.0.0.1', () => {
    let sb: Cluster;
    let receiver: Server;
    let base: string;
    let dir: string;
    const posts: Post[] = [];
    const take = () => posts.splice(0);
    const events = (ps: Post[], path: string) => ps.filter((p) => p.path === path).map((p) => p.body.event as string);

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let text = '';
        req.on('data', (c) => (text += String(c)));
        req.on('end', () => {
          // A receiver that is down: 503 every time, quoting the token back.
          if (req.url?.startsWith('/down/')) return void res.writeHead(503).end(`token ${HOOK_TOKEN} unavailable`);
          posts.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
          // chat.postMessage answers 200 {"ok": true}; a webhook anything 2xx.
          if (req.url?.startsWith('/slack/')) res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
          else res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
      sb = await seedCluster();
      await firstDeploy(sb);
      // Argo's namespace-based configuration, found in the cluster (not in the files).
      await sb.create(catalog.configmaps, 'apps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'argo-rollouts-notification-configmap', namespace: 'apps' },
        data: {
          'service.webhook.ci': `url: ${base}/argo/ci\nheaders:\n  - name: X-Ci-Token\n    value: $ci-token\n`,
          'service.slack': `token: $slack-token\napiURL: ${base}/slack/api/\nusername: canary-e2e\n`,
        },
      });
      await sb.create(catalog.secrets, 'apps', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'argo-rollouts-notification-secret', namespace: 'apps' },
        type: 'Opaque',
        data: { 'ci-token': Buffer.from(CI_TOKEN).toString('base64'), 'slack-token': Buffer.from(SLACK_TOKEN).toString('base64') },
      });
      dir = variant((r) => {
        r.metadata.annotations = {
          'notifications.argoproj.io/subscribe.on-rollout-completed.slack': 'deploys',
          'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'deploys;incidents',
          'notifications.argoproj.io/subscribe.on-rollout-step-completed.ci': '',
          'notifications.argoproj.io/subscribe.on-analysis-run-failed.ci': '',
        };
      });
      take();
    });
    afterEach(killAll);
    afterAll(async () => {
      removeVariants();
      await sb?.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    });

    const run = (image: string, scale: string) => runCanary(sb, ['run', dir, '--image', `myapp=${image}`, '--time-scale', scale, '--notify', `${base}/hook/${HOOK_TOKEN}`]);
    const noSecretPrinted = (r: { stdout: string; stderr: string }) => {
      for (const secret of [HOOK_TOKEN, CI_TOKEN, SLACK_TOKEN]) expect(r.stdout + r.stderr).not.toContain(secret);
    };

    it('a promoted run: every transition to --notify in order, each step to the Argo webhook, one Slack message', async () => {
      const image = healthyImage('notify');
      const r = await run(image, '0.1');
      expectExit(r, 0);
      expect(r.stdout).not.toMatch(/warning/);
      noSecretPrinted(r);
      const ps = take();

      // --notify: canary's JSON event for every transition, in order, all about this run.
      const flag = ps.filter((p) => p.path === `/hook/${HOOK_TOKEN}`);
      expect(flag.map((p) => p.body.event)).toEqual(SEED_PROMOTED);
      const revision = flag[0]!.body.revision as string;
      for (const p of flag) {
        expect(p.headers['content-type']).toMatch(/^application\/json/);
        expect(p.body).toMatchObject({ schemaVersion: 1, rollout: { namespace: 'apps', name: 'myapp' }, revision, images: [image] });
      }
      expect(flag.at(-1)!.body).toMatchObject({ trigger: 'on-rollout-completed', details: { phase: 'Healthy', step: 9, stepCount: 9 } });
      expect(flag.at(-1)!.body.message).toMatch(new RegExp(`^canary: apps/myapp revision ${revision} promoted: `));
      expect(flag.filter((p) => p.body.event === 'stepCompleted').map((p) => p.body.details.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

      // The Argo webhook: only its trigger (on-rollout-step-completed), with the header from the Secret.
      const ci = ps.filter((p) => p.path === '/argo/ci');
      expect(ci.map((p) => [p.body.event, p.body.trigger])).toEqual(Array.from({ length: 9 }, () => ['stepCompleted', 'on-rollout-step-completed']));
      for (const p of ci) expect(p.headers['x-ci-token']).toBe(CI_TOKEN);

      // Slack (chat.postMessage): one message for on-rollout-completed, to the annotation's channel.
      const slack = ps.filter((p) => p.path.startsWith('/slack/'));
      expect(slack).toHaveLength(1);
      expect(slack[0]!.path).toBe('/slack/api/chat.postMessage');
      expect(slack[0]!.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
      expect(slack[0]!.body).toMatchObject({ channel: 'deploys', username: 'canary-e2e', text: expect.stringMatching(new RegExp(`^canary: apps/myapp revision ${revision} promoted: `)) });
      const [attachment] = slack[0]!.body.attachments as { title: string; footer: string; fields: { title: string; value: string }[] }[];
      expect(attachment).toMatchObject({ title: 'apps/myapp', footer: 'canary (on-rollout-completed)' });
      expect(attachment!.fields).toEqual(expect.arrayContaining([{ title: 'Image', value: image, short: false }, { title: 'Revision', value: revision, short: true }]));

      expect(ps).toHaveLength(flag.length + ci.length + slack.length);
    });

    it('a rolled back run: the failed analysis and the rollback to --notify and the Argo webhook, a Slack message per channel; a receiver that is down is reported once', async () => {
      const r = await runCanary(sb, ['run', dir, '--image', `myapp=${BAD}`, '--time-scale', '0.2', '--notify', `${base}/hook/${HOOK_TOKEN}`, '--notify', `${base}/down/${HOOK_TOKEN}`]);
      // The verdict and exit code are the release's, whatever the receivers do.
      expectExit(r, 1);
      noSecretPrinted(r);
      const warnings = (r.stdout + r.stderr).split('\n').filter((l) => /warning/.test(l));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`warning: notification to webhook ${base.replace(/[.]/g, '\\.')}/… failed: 503 Service Unavailable: token \\*\\*\\*\\*\\* unavailable; the release goes on`));
      const ps = take();

      const flag = events(ps, `/hook/${HOOK_TOKEN}`);
      expect(flag[0]).toBe('started');
      expect(flag.slice(-2)).toEqual(['analysisFailed', 'rolledBack']);
      // Before the analysis failed: the steps it got through (weight 10, maybe the first pause).
      expect(flag.slice(1, -2).every((e) => e === 'stepCompleted' || e === 'paused')).toBe(true);
      const rolledBack = ps.find((p) => p.body.event === 'rolledBack' && p.path.startsWith('/hook/'))!;
      expect(rolledBack.body).toMatchObject({ trigger: 'on-rollout-aborted', images: [BAD], details: { phase: 'Degraded', reason: expect.stringMatching(/^analysis background failed: metric success-rate/) } });
      const failed = ps.find((p) => p.body.event === 'analysisFailed' && p.path.startsWith('/hook/'))!;
      expect(failed.body).toMatchObject({ trigger: 'on-analysis-run-failed', details: { analysis: 'background', phase: 'Failed' } });

      const ci = events(ps, '/argo/ci');
      expect(ci.at(-1)).toBe('analysisFailed');
      expect(ci.slice(0, -1).every((e) => e === 'stepCompleted')).toBe(true);
      expect(ci.filter((e) => e === 'stepCompleted')).toHaveLength(flag.filter((e) => e === 'stepCompleted').length);

      const slack = ps.filter((p) => p.path.startsWith('/slack/'));
      expect(slack.map((p) => p.body.channel).sort()).toEqual(['deploys', 'incidents']);
      for (const p of slack) {
        expect(p.body.text).toMatch(/^canary: apps\/myapp revision \w+ rolled back: analysis background failed/);
        expect(p.body.attachments[0]).toMatchObject({ footer: 'canary (on-rollout-aborted)', color: '#E01E5A' });
        expect(p.body.attachments[0].fields).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Reason', value: expect.stringMatching(/^analysis background failed/) })]));
      }
      expect(ps).toHaveLength(flag.length + ci.length + slack.length);
    });
  });
}
