/**
 * Prometheus misbehaving during a run. A fake Prometheus on loopback answers the preflight and the
 * first measurements, then answers slower than the metric's timeout, then garbage of several
 * kinds, then nothing at all (connections cut, then refused); and the sandbox's real Prometheus is
 * stopped with SIGSTOP mid-run so that queries hang. Each measurement must become an Error with a
 * message (never an exception, a crash or a hang), and the run must roll back once
 * consecutiveErrorLimit (default 4) is passed, within a bounded time.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { Sandbox } from '../sandbox/index.js';
import { canary, firstDeploy, killAll, requirePrometheus, seedSandbox, splitWeight } from '../e2e/support/harness.js';
import { seedVariant, tempDir } from '../../bench/lib/fixtures.js';
import { Recorder, stackFrames, storedState } from './support/chaos.js';

type Behaviour = 'ok' | 'slow' | 'invalid-json' | 'html-502' | 'wrong-shape' | 'status-error' | 'truncated' | 'cut' | 'refused';

/** After the switch, query n gets SCRIPT[n] (the last one repeats). */
const SCRIPT: Behaviour[] = ['slow', 'invalid-json', 'html-502', 'wrong-shape', 'status-error', 'truncated', 'cut', 'refused'];

class FakePrometheus {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  scripted = false;
  /** Queries answered per behaviour. */
  readonly seen: Behaviour[] = [];
  private n = 0;

  async start(): Promise<void> {
    this.server = createServer((_req, res) => this.answer(res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private answer(res: ServerResponse): void {
    const b: Behaviour = this.scripted ? SCRIPT[Math.min(this.n++, SCRIPT.length - 1)]! : 'ok';
    this.seen.push(b);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (b) {
      case 'ok':
        return json(200, { status: 'success', data: { resultType: 'vector', result: [] } });
      case 'slow': {
        const t = setTimeout(() => json(200, { status: 'success', data: { resultType: 'vector', result: [] } }), 3_000);
        res.on('close', () => clearTimeout(t));
        return;
      }
      case 'invalid-json':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return void res.end('{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,');
      case 'html-502':
        res.writeHead(502, { 'Content-Type': 'text/html' });
        return void res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      case 'wrong-shape':
        return json(200, { status: 'success', data: { resultType: 'vector', result: 'not a list' } });
      case 'status-error':
        return json(422, { status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory' });
      case 'truncated':
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
        res.write('{"status":"success","data":{"resultType":"vector","result":[');
        return void setTimeout(() => res.socket?.destroy(), 50);
      case 'cut':
        res.socket?.destroy();
        // Then nothing listens any more: the next query is refused before any HTTP.
        if (SCRIPT[this.n] === 'refused') this.server?.close();
        return;
      case 'refused':
        throw new Error('unreachable: a refused connection never gets here');
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server?.listening ? this.server.close(() => r()) : r()));
  }
}

interface Measurement {
  type: string;
  phase?: string;
  message?: string | null;
  metric?: string;
}

/** The run's exit code, or -1 once `ms` passed (the timer is cleared either way). */
async function exitWithin(run: { done: Promise<number> }, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([run.done, new Promise<number>((r) => (timer = setTimeout(() => r(-1), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function events(stdout: string): Measurement[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Measurement);
}

if (requirePrometheus('Prometheus faults')) {
  describe('Prometheus misbehaving mid-run', () => {
    let sb: Sandbox;
    let rec: Recorder;
    const tmp = tempDir('chaos-prom');
    beforeAll(async () => {
      sb = await seedSandbox();
      rec = new Recorder(sb);
      await firstDeploy(sb);
    });
    afterEach(killAll);
    afterAll(async () => {
      rec?.close();
      await sb?.prometheus?.resume();
      await sb?.close();
      tmp.remove();
    });

    it('slower than its timeout, then garbage, then nothing: Error measurements, rolled back after the limit, no hang', async () => {
      const fake = new FakePrometheus();
      await fake.start();
      try {
        const dir = seedVariant(
          join(tmp.dir, 'fake'),
          (r) => {
            r.spec.strategy.canary.steps = [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 100 }];
            r.spec.strategy.canary.abortScaleDownDelaySeconds = 2;
          },
          (t) => {
            const p = t.spec.metrics[0];
            p.interval = '10s';
            // Eight misbehaviours in a row: the eighth Error passes the limit.
            p.consecutiveErrorLimit = SCRIPT.length - 1;
            p.provider.prometheus.address = `http://127.0.0.1:${fake.port}`;
            p.provider.prometheus.timeout = 1;
          },
        );
        const since = Date.now();
        // Time scale 0.2: measurements every 2 s, and errors retried after 2 s instead of Argo's 10 s.
        const run = canary(sb, ['run', dir, '--image', 'myapp=example/app:prom-fake', '--time-scale', '0.2', '-o', 'json']);
        await run.waitFor(/"type":"paused"/, 60_000);
        fake.scripted = true;
        const switched = Date.now();
        const code = await exitWithin(run, 120_000);
        const took = (rec.weights.get('myapp') ?? []).find((w) => w.t >= switched && w.weight === 0)!.t - switched;
        expect({ code, out: code === 1 ? '' : `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}` }).toEqual({ code: 1, out: '' });
        const ms = events(run.stdout).filter((e) => e.type === 'measurement');
        const errors = ms.filter((e) => e.phase === 'Error');
        // consecutiveErrorLimit 7: the eighth consecutive Error ends the analysis, every misbehaviour met once.
        expect(errors.length).toBe(SCRIPT.length);
        expect(fake.seen.slice(-(SCRIPT.length - 1))).toEqual(SCRIPT.slice(0, -1));
        expect(errors.at(-1)!.message).toMatch(/is unreachable: .*(ECONNREFUSED|refused)/);
        for (const e of errors) expect(e.message).toMatch(/^Prometheus http:\/\/127\.0\.0\.1:\d+(: query (timed out after 1s|failed: .+)| is unreachable: .+)$/);
        expect(new Set(errors.map((e) => e.message!.replace(/\d+/g, 'N'))).size).toBeGreaterThanOrEqual(6);
        const result = events(run.stdout).find((e) => e.type === 'result') as unknown as { verdict: string; reason: string };
        expect(result.reason).toMatch(/errored|consecutiveErrorLimit|error/i);
        expect(rec.weightsSince('myapp', since)).toEqual([10, 0]);
        expect(storedState(sb, 'myapp')!.phase).toBe('Degraded');
        expect(stackFrames(run.stdout + run.stderr)).toEqual([]);
        expect(took).toBeLessThan(60_000);
        // eslint-disable-next-line no-console
        console.log(`fake Prometheus answered: ${fake.seen.join(', ')}; weight 0 ${(took / 1000).toFixed(1)} s after the switch; errors:\n${errors.map((e) => e.message).join('\n')}`);
      } finally {
        await fake.close();
      }
    });

    it('the real Prometheus stopped with SIGSTOP: queries time out, rolled back after the limit, no hang', async () => {
      const dir = seedVariant(
        join(tmp.dir, 'stop'),
        (r) => (r.spec.strategy.canary.steps = [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 100 }]),
        (t) => (t.spec.metrics[0].provider.prometheus.timeout = 2),
      );
      const since = Date.now();
      const run = canary(sb, ['run', dir, '--image', 'myapp=example/app:prom-stop', '--time-scale', '0.1', '-o', 'json']);
      await run.waitFor(/"type":"paused"/, 60_000);
      await sb.prometheus!.pause();
      const stopped = Date.now();
      try {
        const code = await exitWithin(run, 90_000);
        const took = Date.now() - stopped;
        expect({ code, out: code === 1 ? '' : `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}` }).toEqual({ code: 1, out: '' });
        const errors = events(run.stdout).filter((e) => e.type === 'measurement' && e.phase === 'Error');
        expect(errors.length).toBeGreaterThanOrEqual(5);
        for (const e of errors) expect(e.message).toMatch(/query timed out after 2s/);
        expect(rec.weightsSince('myapp', since)).toEqual([10, 0]);
        expect(splitWeight(sb)).toBe(0);
        expect(stackFrames(run.stdout + run.stderr)).toEqual([]);
        expect(took).toBeLessThan(60_000);
        // eslint-disable-next-line no-console
        console.log(`Prometheus stopped: ${errors.length} Error measurements, rolled back ${(took / 1000).toFixed(1)} s after SIGSTOP`);
      } finally {
        await sb.prometheus!.resume();
      }
    });
  });
}
