/**
 * Notifications off the run's events (issue 16 item 11): which events notify, in order per
 * destination, retried with backoff on the fake clock, a failure reported once and redacted, the
 * release never waiting; and the real POST against a receiver on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { RunEvent } from '../../src/engine/events.js';
import { notifyFlag, type Destination } from '../../src/notify/destination.js';
import { Notifier, type PostResult } from '../../src/notify/notifier.js';
import { postNotification } from '../../src/notify/post.js';
import { systemClock } from '../../src/util/clock.js';
import { FakeClock, settle } from '../support/fake-clock.js';

const T = Date.UTC(2026, 10, 26, 10, 0, 0);
const counts = { successful: 2, failed: 1, inconclusive: 0, error: 0 };
const started: RunEvent = { kind: 'started', at: T, namespace: 'apps', name: 'myapp', mode: 'canary', resumed: false, revision: 'abc123', stableRevision: 'def456', images: ['example/app:2'], stepCount: 3, timeScale: 1, strategy: 'canary' };
const RUN: RunEvent[] = [
  started,
  { kind: 'stepStarted', at: T + 1, index: 0, stepCount: 3, step: { kind: 'setWeight', weight: 10 } },
  { kind: 'weightChanged', at: T + 2, from: 0, to: 10, router: 'TrafficSplit' },
  { kind: 'stepCompleted', at: T + 3, index: 0, stepCount: 3 },
  { kind: 'paused', at: T + 4, reason: 'PauseStep', until: T + 30_004 },
  { kind: 'measurement', at: T + 5, runId: 'background', metric: 'm', phase: 'Failed', value: '[3]', message: null, counts },
  { kind: 'analysisCompleted', at: T + 6, runId: 'background', phase: 'Failed', message: 'failed (1) > failureLimit (0)', terminated: false, counts },
  { kind: 'rollingBack', at: T + 7, cause: 'analysis', reason: 'analysis background failed' },
  { kind: 'finished', at: T + 8, phase: 'Degraded', revision: 'abc123', stepIndex: 1, stepCount: 3, durationMs: 8, reason: 'analysis background failed at step 2/3' },
  { kind: 'scaleDownScheduled', at: T + 8, due: T + 30_008, delay: 'abortScaleDownDelaySeconds', left: false },
];

function webhook(url = 'https://ci.example.com/hooks/canary/tok-3n5s1t1v3'): Destination {
  return notifyFlag(url) as Destination;
}

function recorder(answers: (n: number) => PostResult = () => ({ ok: true })) {
  const clock = new FakeClock(T);
  const posts: { label: string; body: Record<string, unknown> }[] = [];
  const reports: string[] = [];
  const notifier = (destinations: Destination[]) =>
    new Notifier(destinations, 'ci@runner pid 7', {
      clock,
      post: async (d, body) => {
        posts.push({ label: d.label, body: JSON.parse(body) as Record<string, unknown> });
        return answers(posts.length);
      },
      report: (m) => reports.push(m),
    });
  return { clock, posts, reports, notifier };
}

describe('which run events notify, and what a webhook gets', () => {
  it('started, step done, paused, analysis failed, rolled back: one POST each, in order, canary JSON', async () => {
    const r = recorder();
    const n = r.notifier([webhook()]);
    for (const e of RUN) n.event(e);
    await n.flush(1_000);
    expect(r.posts.map((p) => [p.body.event, p.body.trigger])).toEqual([
      ['started', 'on-rollout-updated'],
      ['stepCompleted', 'on-rollout-step-completed'],
      ['paused', 'on-rollout-paused'],
      ['analysisFailed', 'on-analysis-run-failed'],
      ['rolledBack', 'on-rollout-aborted'],
    ]);
    expect(r.posts.at(-1)!.body).toEqual({
      schemaVersion: 1,
      event: 'rolledBack',
      trigger: 'on-rollout-aborted',
      time: '2026-11-26T10:00:00.008Z',
      rollout: { namespace: 'apps', name: 'myapp' },
      revision: 'abc123',
      stableRevision: 'def456',
      images: ['example/app:2'],
      runner: 'ci@runner pid 7',
      message: 'canary: apps/myapp revision abc123 rolled back: analysis background failed at step 2/3',
      details: { phase: 'Degraded', reason: 'analysis background failed at step 2/3', durationMs: 8, step: 2, stepCount: 3 },
    });
  });

  it('promoted, aborted, deployed; a resumed run and a terminated analysis do not notify', async () => {
    const r = recorder();
    const n = r.notifier([webhook()]);
    const fin = (phase: 'Healthy' | 'Aborted'): RunEvent => ({ kind: 'finished', at: T, phase, revision: 'abc123', stepIndex: 3, stepCount: 3, durationMs: 1, reason: 'x' });
    n.event({ ...started, resumed: true } as RunEvent);
    n.event({ kind: 'analysisCompleted', at: T, runId: 'background', phase: 'Successful', message: 'terminated', terminated: true, counts });
    n.event(fin('Healthy'));
    n.event(fin('Aborted'));
    n.event({ ...started, mode: 'initial' } as RunEvent);
    n.event(fin('Healthy'));
    await n.flush(1_000);
    expect(r.posts.map((p) => p.body.event)).toEqual(['promoted', 'aborted', 'started', 'deployed']);
  });

  it('a Slack incoming webhook gets a Slack message; Argo subscriptions only their triggers', async () => {
    const r = recorder();
    const slack = webhook('https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX');
    const onlyEnd = { ...webhook('https://example.com/only-completed'), label: 'end', triggers: new Set(['on-rollout-aborted'] as const) };
    const n = r.notifier([slack, onlyEnd]);
    for (const e of RUN) n.event(e);
    await n.flush(1_000);
    const toSlack = r.posts.filter((p) => p.label === slack.label);
    expect(slack.label).toBe('Slack webhook https://hooks.slack.com/…');
    expect(toSlack).toHaveLength(5);
    expect(toSlack[0]!.body).toMatchObject({ text: 'canary: apps/myapp revision abc123 started (stable def456): example/app:2, 3 steps', attachments: [{ color: '#1D9BD1', title: 'apps/myapp' }] });
    expect(r.posts.filter((p) => p.label === 'end').map((p) => p.body.event)).toEqual(['rolledBack']);
  });
});

describe('delivery', () => {
  it('retries with backoff (1 s, 2 s, 4 s), then reports once, redacted; a failed destination then gets one try per event', async () => {
    const r = recorder(() => ({ ok: false, error: '503 Service Unavailable: https://ci.example.com/hooks/canary/tok-3n5s1t1v3 is down', retryable: true }));
    const n = r.notifier([webhook()]);
    n.event(started);
    n.event(RUN[3]!);
    await settle();
    for (let i = 0; i < 30; i++) await r.clock.advance(1_000);
    expect(r.clock.requested.filter((ms) => ms < 10_000)).toEqual([1_000, 2_000, 4_000]);
    expect(r.posts).toHaveLength(5);
    expect(r.reports).toEqual([
      'warning: notification to webhook https://ci.example.com/… failed: 503 Service Unavailable: ***** is down; the release goes on (further failures to it are not reported)',
    ]);
    expect(r.reports.join()).not.toMatch(/tok-3n5s1t1v3/);
  });

  it('a 4xx is not retried; event() never waits: flush gives up after its time and says what was left', async () => {
    const r = recorder((k) => (k === 1 ? { ok: false, error: '404 Not Found', retryable: false } : { ok: true }));
    const n = r.notifier([webhook()]);
    n.event(started);
    await settle();
    expect(r.posts).toHaveLength(1);
    expect(r.reports).toEqual([expect.stringMatching(/failed: 404 Not Found; the release goes on/)]);

    const hung = recorder();
    const stuck = new Notifier([webhook()], 'x', { clock: hung.clock, post: () => new Promise<PostResult>(() => undefined), report: (m) => hung.reports.push(m) });
    stuck.event(started);
    stuck.event(RUN[3]!);
    const flushed = stuck.flush(10_000);
    await hung.clock.advance(10_000);
    await flushed;
    expect(hung.reports).toEqual(['warning: 2 notification(s) to webhook https://ci.example.com/… not delivered within 10s of the end']);
  });
});

describe('the POST itself, against a receiver on 127.0.0.1', () => {
  let server: Server;
  let url: string;
  const got: { path: string; headers: Record<string, unknown>; body: string }[] = [];
  let status = 200;
  let answer = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += String(c)));
      req.on('end', () => {
        got.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs JSON with the destination headers; 5xx and 429 are retryable, other 4xx not', async () => {
    const d = { ...webhook(`${url}/hooks/x`), headers: { Authorization: 'token abc' } };
    expect(await postNotification(d, '{"a":1}', systemClock, new AbortController().signal)).toEqual({ ok: true });
    expect(got.at(-1)).toMatchObject({ path: '/hooks/x', body: '{"a":1}', headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'token abc' } });
    status = 503;
    expect(await postNotification(d, '{}', systemClock, new AbortController().signal)).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^503 /) });
    status = 403;
    expect(await postNotification(d, '{}', systemClock, new AbortController().signal)).toMatchObject({ ok: false, retryable: false });
    status = 200;
  });

  it("chat.postMessage's 200 with ok:false is a failure", async () => {
    const d = { ...webhook(`${url}/api/chat.postMessage`), format: 'slackApi' as const };
    answer = '{"ok":false,"error":"channel_not_found"}';
    expect(await postNotification(d, '{}', systemClock, new AbortController().signal)).toEqual({ ok: false, error: 'Slack: channel_not_found', retryable: false });
    answer = '{"ok":true}';
    expect(await postNotification(d, '{}', systemClock, new AbortController().signal)).toEqual({ ok: true });
  });

  it('nothing listening: a retryable failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await postNotification(webhook(`http://127.0.0.1:${port}/hook/s3cr3t-path`), '{}', systemClock, new AbortController().signal);
    expect(r).toMatchObject({ ok: false, retryable: true });
  });
});
