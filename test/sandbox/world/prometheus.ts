/**
 * A real Prometheus (the Debian/Homebrew `prometheus` binary) scraping the mesh's Linkerd metrics,
 * so that analysis queries run through the same PromQL engine as on a cluster: `increase()`
 * extrapolation, empty vectors for absent series, staleness. Started on loopback with a free port
 * and a temporary TSDB, stopped with SIGTERM (SIGKILL after a grace period), temp dir removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT =
  'install it with `sudo apt-get install -y --no-install-recommends prometheus` (Debian/Ubuntu) or `brew install prometheus` (macOS), or set PROMETHEUS_BIN to its path';

export class PrometheusNotInstalledError extends Error {
  constructor(searched: string) {
    super(`the sandbox needs the prometheus binary and found none (looked in ${searched}); ${INSTALL_HINT}`);
    this.name = 'PrometheusNotInstalledError';
  }
}

export class PrometheusStartError extends Error {
  constructor(message: string, readonly output: string) {
    super(output ? `${message}; prometheus said:\n${output}` : message);
    this.name = 'PrometheusStartError';
  }
}

/** PROMETHEUS_BIN if set, else the first executable `prometheus` on PATH; undefined if none. */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env['PROMETHEUS_BIN'];
  if (explicit) return executable(explicit) ? explicit : undefined;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'prometheus');
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface PrometheusOptions {
  /** `host:port` targets serving Linkerd metrics (the mesh server). */
  targets: string[];
  bin?: string;
  scrapeIntervalMs?: number;
  /** Wait for /-/ready and for a first successful scrape at most this long (default 30 s). */
  startTimeoutMs?: number;
  /** After SIGTERM, wait this long for exit before SIGKILL (default 5 s). */
  stopGraceMs?: number;
  /** Called if Prometheus exits while nobody asked it to. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null, output: string) => void;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prometheus {
  url: string;
  pid: number;
  /** The temporary directory (config + TSDB) removed by stop(). */
  dir: string;
  /** Instant query; throws on an HTTP or PromQL error (tests; canary has its own provider). */
  query(promql: string): Promise<PromSample[]>;
  /** Fault hooks: SIGSTOP (queries hang, scrapes stop), SIGCONT, and a stop that canary must survive. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
  readonly state: 'running' | 'paused' | 'stopped';
  /** Milliseconds from spawn to /-/ready, and to the first successful scrape. */
  readonly timings: { readyMs: number; firstScrapeMs: number };
}

export async function startPrometheus(opts: PrometheusOptions): Promise<Prometheus> {
  const bin = opts.bin ?? findPrometheus();
  if (!bin) throw new PrometheusNotInstalledError(process.env['PROMETHEUS_BIN'] ? `PROMETHEUS_BIN=${process.env['PROMETHEUS_BIN']}` : 'PATH');
  const dir = await mkdtemp(join(tmpdir(), 'canary-sandbox-prometheus-'));
  try {
    const interval = `${Math.max(100, opts.scrapeIntervalMs ?? 1000)}ms`;
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        `  scrape_interval: ${interval}`,
        `  evaluation_interval: ${interval}`,
        'scrape_configs:',
        // The linkerd-proxy job of the real setup; the mesh already labels each series with its pod.
        '  - job_name: linkerd-proxy',
        '    honor_labels: true',
        '    static_configs:',
        `      - targets: [${opts.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
        '',
      ].join('\n'),
    );
    // Another process may grab the free port between probe and bind: try a few ports.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        return await launch(bin, dir, port, opts);
      } catch (err) {
        if (!(err instanceof PrometheusStartError) || !/address already in use/.test(err.output) || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function launch(bin: string, dir: string, port: number, opts: PrometheusOptions): Promise<Prometheus> {
  const started = Date.now();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--storage.tsdb.retention.time=2h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = tail(child);
  let state: 'running' | 'paused' | 'stopped' = 'running';
  let stopping: Promise<void> | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  void exited.then(({ code, signal }) => {
    if (state !== 'stopped' && !stopping) {
      state = 'stopped';
      opts.onUnexpectedExit?.(code, signal, output.text());
    }
  });

  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        if (state === 'paused') child.kill('SIGCONT');
        child.kill('SIGTERM');
        const grace = opts.stopGraceMs ?? 5000;
        let timer: NodeJS.Timeout | undefined;
        const killed = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), grace)))]);
        clearTimeout(timer);
        if (killed) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      state = 'stopped';
      child.stdout?.destroy();
      child.stderr?.destroy();
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = started + (opts.startTimeoutMs ?? 30_000);
  const failIfGone = async () => {
    if (child.exitCode !== null || child.signalCode !== null || state === 'stopped') {
      await stop();
      throw new PrometheusStartError(`prometheus exited during start-up (code ${child.exitCode ?? child.signalCode})`, output.text());
    }
    if (Date.now() > deadline) {
      await stop();
      throw new PrometheusStartError(`prometheus did not become ready within ${opts.startTimeoutMs ?? 30_000} ms`, output.text());
    }
  };

  try {
    while (!(await ok(`${url}/-/ready`))) {
      await failIfGone();
      await delay(25);
    }
    const readyMs = Date.now() - started;
    // Ready is not enough: the first scrape happens seconds later, and queries before it are empty.
    while (!(await scraped(url))) {
      await failIfGone();
      await delay(100);
    }
    const firstScrapeMs = Date.now() - started;
    return {
      url,
      pid: child.pid!,
      dir,
      timings: { readyMs, firstScrapeMs },
      get state() {
        return state;
      },
      query: (promql) => query(url, promql),
      pause() {
        if (state !== 'running') return;
        child.kill('SIGSTOP');
        waitStopped(child.pid!);
        state = 'paused';
      },
      resume() {
        if (state !== 'paused') return;
        child.kill('SIGCONT');
        state = 'running';
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function query(url: string, promql: string): Promise<PromSample[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`prometheus query ${JSON.stringify(promql)} failed: HTTP ${res.status}: ${body.error ?? 'no error text'}`);
  if (body.data?.resultType !== 'vector') throw new Error(`prometheus query ${JSON.stringify(promql)} returned a ${body.data?.resultType}, not a vector`);
  return body.data.result;
}

async function scraped(url: string): Promise<boolean> {
  try {
    const r = await query(url, 'up{job="linkerd-proxy"} == 1');
    return r.length > 0;
  } catch {
    return false;
  }
}

async function ok(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The last lines Prometheus wrote, for error messages. */
function tail(child: ChildProcess, max = 40): { text(): string } {
  const lines: string[] = [];
  const take = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > max) lines.splice(0, lines.length - max);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return { text: () => lines.join('\n') };
}

/**
 * Returns once every thread of `pid` is stopped (Linux's /proc; elsewhere at once), at most 1 s.
 * kill() returns before the stop takes hold: a request sent right after it was answered 28 times in
 * 150 on a 2-core machine, which failed the fault test that expects a paused Prometheus to be silent.
 */
function waitStopped(pid: number): void {
  const until = Date.now() + 1000;
  const wait = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < until) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      return; // no /proc, or the process is gone
    }
    const stopped = tasks.every((t) => {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
        return /^[Tt]$/.test(stat.charAt(stat.lastIndexOf(')') + 2));
      } catch {
        return true; // a thread that ended meanwhile
      }
    });
    if (stopped) return;
    Atomics.wait(wait, 0, 0, 1);
  }
}
