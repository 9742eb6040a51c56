/**
 * End-to-end harness: a sandbox with real Prometheus in this process, and the built `canary`
 * binary run as a child process against its kubeconfig, as a user would. Nothing is left running:
 * every child is killed and every sandbox closed in afterEach/afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startRealSandbox, type RealSandbox, type RealSandboxOptions } from '../../cluster/index.js';
import { sandboxCluster, type Cluster } from '../../sandbox/cluster.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index.js';
import { catalog } from '../../sandbox/api/catalog.js';
import type { K8sObject } from '../../sandbox/store/types.js';
import { findPrometheus, INSTALL_HINT } from '../../sandbox/world/prometheus.js';

export const ROOT = process.cwd();
export const BIN = join(ROOT, 'bin', 'canary.js');
export const SEED = 'examples/seed/';
export const GOOD = 'ghcr.io/mccutchen/go-httpbin:2.17.1';
export const BAD = 'ghcr.io/mccutchen/go-httpbin:2.18';
export const PROMETHEUS = findPrometheus();

/** Registers a skipped test that says how to install Prometheus, when it is missing. */
export function requirePrometheus(suite: string): boolean {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('e2e: run `npm run build` first (npm run test:e2e does it)');
  if (PROMETHEUS) return true;
  describe(suite, () => it.skip(`SKIPPED: no prometheus binary; ${INSTALL_HINT}`, () => undefined));
  return false;
}

/** The seed's world; the bad image fails every request so that the first analysis after weight 10 sees it. */
export async function seedSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    scenario: 'seed',
    prometheus: true,
    podStartDelayMs: 300,
    load: { rps: 20, path: '/get' },
    log: () => undefined,
    ...options,
    images: { [BAD]: { errorRate: 1 }, ...(options.images ?? {}) },
  });
}

/** What the helpers below read: the cluster's objects (a replica on the real control plane) and canary's kubeconfig. */
export type Backend = Pick<Cluster, 'store' | 'kubeconfigPath'> & Partial<Pick<Cluster, 'settle'>>;

/**
 * Which control plane the scenario files that run on both (test/e2e/README.md) start: the in-process
 * sandbox, or with CANARY_E2E_CONTROL_PLANE=real (`npm run test:k8s`) Kubernetes' own, where canary
 * runs as examples/rbac.yaml's ServiceAccount.
 */
export const CONTROL_PLANE: 'sandbox' | 'real' = process.env.CANARY_E2E_CONTROL_PLANE === 'real' ? 'real' : 'sandbox';

/** The seed's world on the selected control plane, with seedSandbox()'s settings. */
export async function seedCluster(options: RealSandboxOptions = {}): Promise<Cluster> {
  if (CONTROL_PLANE === 'sandbox') return sandboxCluster(await seedSandbox(options as SandboxOptions));
  return startRealSandbox({
    scenario: 'seed',
    prometheus: true,
    podStartDelayMs: 300,
    load: { rps: 20, path: '/get' },
    log: (m) => process.stderr.write(`real control plane: ${m}\n`),
    ...options,
    images: { [BAD]: { errorRate: 1 }, ...(options.images ?? {}) },
  });
}

/**
 * `it` on the in-process sandbox, `it.skip` on the real control plane: for the tests that inject
 * faults into the sandbox's API server (`sandboxApi`), which a real kube-apiserver cannot be made to do.
 */
export const sandboxOnly: typeof it = CONTROL_PLANE === 'sandbox' ? it : it.skip;

/** The in-process API server behind a sandbox Cluster (faults, request statistics). */
export function sandboxApi(sb: Cluster): Sandbox['api'] {
  if (!('sandbox' in sb)) throw new Error('this test needs the in-process sandbox (sandboxOnly), not the real control plane');
  return (sb as { sandbox: Sandbox }).sandbox.api;
}

/**
 * Requests the API server has answered on `services/proxy` so far: the sandbox's request statistics,
 * or kube-apiserver's own `apiserver_request_total` counter (its /metrics, as cluster admin).
 */
export async function serviceProxyRequests(sb: Cluster): Promise<number> {
  if ('sandbox' in sb) return Object.values(sandboxApi(sb).stats.snapshot().byResource['services/proxy'] ?? {}).reduce((a, b) => a + b, 0);
  const real = sb as RealSandbox;
  const metrics = await real.kube.request('GET', '/metrics');
  if (metrics.status !== 200) throw new Error(`GET /metrics: ${metrics.status}`);
  let total = 0;
  for (const line of metrics.body.split('\n')) {
    if (line.startsWith('apiserver_request_total{') && line.includes('resource="services"') && line.includes('subresource="proxy"')) total += Number(line.split(' ').at(-1));
  }
  return total;
}

export interface CanaryProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code (a signal exit gives 128 + signal number, like a shell). */
  done: Promise<number>;
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once stdout or stderr matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Epoch ms of the spawn, and of the exit (null while it runs). */
  readonly startedAt: number;
  readonly exitedAt: number | null;
}

const children = new Set<ChildProcess>();

/** Starts `canary ARGS` with the sandbox's kubeconfig. Colours off; CI=1 so output is plain lines. */
export function canary(sb: Backend | null, args: string[], env: NodeJS.ProcessEnv = {}): CanaryProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: '1', ...(sb ? { KUBECONFIG: sb.kubeconfigPath } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const startedAt = Date.now();
  let exitedAt: number | null = null;
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.re.test(out) || w.re.test(err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', (d) => {
    out += String(d);
    check();
  });
  child.stderr!.on('data', (d) => {
    err += String(d);
    check();
  });
  const done = new Promise<number>((resolve) => {
    child.on('exit', () => {
      exitedAt = Date.now();
    });
    // 'close' comes after 'exit' once stdout and stderr are drained: the output is complete.
    child.on('close', (code, signal) => {
      exitedAt ??= Date.now();
      children.delete(child);
      check();
      for (const w of waiters.splice(0)) w.reject(new Error(`exited (${code ?? signal}) before printing ${w.re}\nstdout:\n${out}\nstderr:\n${err}`));
      const exit = code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2);
      // On the real control plane the store is a replica: let it catch up with canary's last writes.
      if (sb?.settle) sb.settle().then(() => resolve(exit), () => resolve(exit));
      else resolve(exit);
    });
  });
  return {
    child,
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
    startedAt,
    get exitedAt() {
      return exitedAt;
    },
    done,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    waitFor: (re, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re}\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()), reject: (e) => (clearTimeout(timer), reject(e)) });
        check();
      }),
  };
}

/** Runs canary to completion: exit code and output. */
export async function runCanary(sb: Backend | null, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = canary(sb, args, env);
  const code = await p.done;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

/** Kills every canary child still running (for afterEach). */
export async function killAll(): Promise<void> {
  const waits = [...children].map((c) => new Promise<void>((r) => (c.exitCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGKILL')))));
  await Promise.all(waits);
}

/** Polls `fn` until it returns a truthy value. */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 60_000, everyMs = 100): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The Deployments and Services canary labelled as experiment objects of `rollout` (`deployments/NAME`, `services/NAME`). */
export function experimentObjects(sb: Backend, rollout = 'myapp', namespace = 'apps'): string[] {
  const labelled = (type: 'deployments' | 'services') =>
    sb.store
      .list(catalog[type], namespace)
      .items.filter((o) => o.metadata.labels?.['canary-rollouts/experiment-of'] === rollout)
      .map((o) => `${type}/${o.metadata.name}`);
  return [...labelled('deployments'), ...labelled('services')];
}

/** The canary backend's weight on the seed's TrafficSplit (null when absent). */
export function splitWeight(sb: Backend, name = 'myapp', namespace = 'apps'): number | null {
  const ts = sb.store.tryGet(catalog.trafficsplits, namespace, name) as (K8sObject & { spec?: { backends?: { service: string; weight: number | string }[] } }) | undefined;
  const b = ts?.spec?.backends?.find((x) => x.service.endsWith('-canary'));
  return b === undefined ? null : Number(b.weight);
}

export function deployment(sb: Backend, name: string, namespace = 'apps'): (K8sObject & { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } }; status?: Record<string, number> }) | undefined {
  return sb.store.tryGet(catalog.deployments, namespace, name) as never;
}

export function serviceSelector(sb: Backend, name: string, namespace = 'apps'): Record<string, string> {
  const s = sb.store.tryGet(catalog.services, namespace, name) as (K8sObject & { spec: { selector?: Record<string, string> } }) | undefined;
  return s?.spec.selector ?? {};
}

export function runState(sb: Backend, name = 'myapp', namespace = 'apps'): { phase: string; stepIndex: number; weight: number | null; message: string; revision: string } | null {
  const cm = sb.store.tryGet(catalog.configmaps, namespace, `${name}-canary-run`) as (K8sObject & { data?: Record<string, string> }) | undefined;
  const json = cm?.data?.['state.json'];
  return json ? JSON.parse(json) : null;
}

export function eventReasons(sb: Backend, namespace = 'apps', object = 'myapp-stable'): string[] {
  return sb.store
    .list(catalog.events, namespace)
    .items.filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === object)
    .map((e) => String((e as { reason?: string }).reason));
}

/** First deploy of the seed (stable 2.17) so that later runs are canary releases. */
export async function firstDeploy(sb: Backend): Promise<void> {
  const r = await runCanary(sb, ['run', SEED]);
  if (r.code !== 0) throw new Error(`first deploy failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// Extensions for the scenario files (run/, steer/, resilience/, analyze/, tty/).

/** The seed's routing over the Gateway API. */
export const GATEWAY = 'examples/gateway-api/';
/** Never Ready: CrashLoopBackOff (test/sandbox/README.md, "Pods and images"). */
export const CRASH = 'ghcr.io/mccutchen/go-httpbin:crash';

/** A distinct healthy image per run, so that no two runs of a file share a revision. */
let imageSeq = 0;
export function healthyImage(tag = 'e2e'): string {
  return `ghcr.io/mccutchen/go-httpbin:2.17.1-${tag}-${++imageSeq}`;
}

/** The line that ends `canary run`'s output: verdict, revision, step, duration, reason. */
export function lastLine(out: string): string {
  return out.trimEnd().split('\n').at(-1) ?? '';
}

/** The verdict line of `canary run`: printed as soon as traffic is safe, a scale-down countdown may follow it. */
export function verdictLine(out: string): string {
  return [...out.trimEnd().split('\n')].reverse().find((l) => parseFinalLine(l) !== null) ?? '';
}

/** `✔ promoted: apps/myapp revision 1a2b3c4d5e, step 9/9, 16s: reason` split in its parts. */
export function parseFinalLine(line: string): { verdict: string; rollout: string; revision: string; step: string; duration: string; reason: string } | null {
  const m = /^[✔✖॥] ([a-z ]+): (\S+) revision (\w+), step ([\d/-]+), ([\dhms.]+): (.*)$/.exec(line);
  return m ? { verdict: m[1]!, rollout: m[2]!, revision: m[3]!, step: m[4]!, duration: m[5]!, reason: m[6]! } : null;
}

type Route = K8sObject & { spec: { parentRefs?: unknown[]; rules: { matches?: unknown[]; backendRefs?: { name: string; port?: number; weight?: number }[] }[] } };

export function httpRoute(sb: Backend, name = 'myapp', namespace = 'apps'): Route | undefined {
  return sb.store.tryGet(catalog.httproutes, namespace, name) as Route | undefined;
}

/** The canary backend's weight in the first rule of the HTTPRoute that names both Services. */
export function routeWeight(sb: Backend, name = 'myapp', namespace = 'apps'): number | null {
  const rule = httpRoute(sb, name, namespace)?.spec.rules.find((r) => r.backendRefs?.some((b) => b.name === 'myapp-canary') && r.backendRefs?.some((b) => b.name === 'myapp-stable'));
  const b = rule?.backendRefs?.find((x) => x.name === 'myapp-canary');
  return b === undefined ? null : Number(b.weight ?? 1);
}

/** The Lease of the rollout: holder, last renewal (epoch ms) and duration. */
export function lease(sb: Backend, name = 'myapp', namespace = 'apps'): { holder: string | null; renewedAt: number | null; durationMs: number } | null {
  const l = sb.store.tryGet(catalog.leases, namespace, `${name}-canary-lock`) as (K8sObject & { spec?: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number } }) | undefined;
  if (!l) return null;
  return {
    holder: l.spec?.holderIdentity ?? null,
    renewedAt: l.spec?.renewTime ? Date.parse(l.spec.renewTime) : null,
    durationMs: (l.spec?.leaseDurationSeconds ?? 15) * 1000,
  };
}

/** True once nobody holds the Lease or its holder stopped renewing it for longer than its duration. */
export function leaseFree(sb: Backend, name = 'myapp'): boolean {
  const l = lease(sb, name);
  return !l || !l.holder || l.renewedAt === null || Date.now() - l.renewedAt > l.durationMs + 250;
}

/** The full run state (ConfigMap `state.json`) as canary wrote it. */
export function fullRunState(sb: Backend, name = 'myapp', namespace = 'apps'): Record<string, unknown> & { phase: string; stepIndex: number; stepCount: number; weight: number | null; message: string; revision: string; pause: { startedAt: number; durationMs: number | null } | null; handledRequests: string[]; analyses: { id: string; phase: string; metrics: { name: string; phase: string; measurements: { phase: string; value: string | null; message: string | null }[] }[] }[] } | null {
  return runState(sb, name, namespace) as never;
}

/** Requests (`request.<id>.json`) present in the run ConfigMap. */
export function storedRequests(sb: Backend, name = 'myapp', namespace = 'apps'): { id: string; kind: string; at: number; by: string; reason: string | null }[] {
  const cm = sb.store.tryGet(catalog.configmaps, namespace, `${name}-canary-run`) as (K8sObject & { data?: Record<string, string> }) | undefined;
  return Object.entries(cm?.data ?? {})
    .filter(([k]) => /^request\..+\.json$/.test(k))
    .map(([, v]) => JSON.parse(v));
}

export interface TimelineEntry {
  /** Epoch ms in this process, taken synchronously when the API server stored the change. */
  t: number;
  what: 'weight' | 'request';
  /** weight: the canary weight (TrafficSplit or HTTPRoute); request: its kind (abort, promote, ...). */
  value: number | string;
  id?: string;
}

/**
 * Records, as the API server stores them, every change of the canary weight (TrafficSplit and
 * HTTPRoute) and every request written into the run ConfigMap: reaction times are measured
 * between two writes to the same store, with no polling in between.
 */
export function recordTimeline(sb: Backend, name = 'myapp', namespace = 'apps') {
  const entries: TimelineEntry[] = [];
  const seen = new Set<string>();
  let weight: number | null = splitWeight(sb, name, namespace) ?? routeWeight(sb, name, namespace);
  const stop = sb.store.onChange((type, ev) => {
    const obj = ev.object as K8sObject & { data?: Record<string, string> };
    if (obj.metadata.namespace !== namespace) return;
    if ((type.resource === 'trafficsplits' && obj.metadata.name === name) || (type.resource === 'httproutes' && obj.metadata.name === name)) {
      const w = type.resource === 'trafficsplits' ? splitWeight(sb, name, namespace) : routeWeight(sb, name, namespace);
      if (w !== null && w !== weight) entries.push({ t: Date.now(), what: 'weight', value: w });
      weight = w;
    }
    if (type.resource === 'configmaps' && obj.metadata.name === `${name}-canary-run`) {
      for (const [k, v] of Object.entries(obj.data ?? {})) {
        if (!/^request\..+\.json$/.test(k) || seen.has(k)) continue;
        seen.add(k);
        const r = JSON.parse(v) as { id: string; kind: string };
        entries.push({ t: Date.now(), what: 'request', value: r.kind, id: r.id });
      }
    }
  });
  return {
    entries,
    stop,
    /** ms from the last request of `kind` to the first weight change after it that satisfies `to`. */
    reaction(kind: string, to: (w: number) => boolean): number | null {
      const req = [...entries].reverse().find((e) => e.what === 'request' && e.value === kind);
      if (!req) return null;
      const w = entries.find((e) => e.what === 'weight' && e.t >= req.t && to(e.value as number));
      return w ? w.t - req.t : null;
    },
    /** The weight changes, in order. */
    weights(): number[] {
      return entries.filter((e) => e.what === 'weight').map((e) => e.value as number);
    },
  };
}

export type Timeline = ReturnType<typeof recordTimeline>;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Figures the suite reports (printed once per file, collected by the report). */
export function report(label: string, value: string): void {
  const line = `[e2e figure] ${label}: ${value}\n`;
  process.stdout.write(line);
  if (process.env.E2E_FIGURES) appendFileSync(process.env.E2E_FIGURES, line);
}

// --- Rollout variants: the seed's manifests edited in a temporary directory (examples/ stay verbatim).

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Doc = any;

const variantDirs: string[] = [];

/**
 * Writes `rollout.yaml` and `analysis-template.yaml` (the seed's, or `base`'s) after `edit`, plus the
 * extra documents `edit` returns (file name -> document), into a new temporary directory; returns its
 * path. removeVariants() deletes them.
 */
export function variant(edit: (rollout: Doc, template: Doc) => Record<string, Doc> | void, options: { base?: string } = {}): string {
  const base = join(ROOT, options.base ?? SEED);
  const rollout = parseYaml(readFileSync(join(base, 'rollout.yaml'), 'utf8'));
  const template = parseYaml(readFileSync(join(base, 'analysis-template.yaml'), 'utf8'));
  const extra = edit(rollout, template) ?? {};
  const dir = mkdtempSync(join(tmpdir(), 'canary-e2e-variant-'));
  variantDirs.push(dir);
  writeFileSync(join(dir, 'rollout.yaml'), stringifyYaml(rollout));
  writeFileSync(join(dir, 'analysis-template.yaml'), stringifyYaml(template));
  for (const [file, doc] of Object.entries(extra)) writeFileSync(join(dir, file), stringifyYaml(doc));
  return dir;
}

export function removeVariants(): void {
  for (const d of variantDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The seed with its first pause indefinite (`pause: {}`): the run waits at step 2/9 for `canary promote`. */
export function indefinitePauseVariant(): string {
  return variant((r) => {
    r.spec.strategy.canary.steps[1] = { pause: {} };
  });
}

/** The revision `canary run` would roll out, read from its --dry-run plan ("new revision X"). */
export async function plannedRevision(sb: Backend, args: string[]): Promise<string> {
  const r = await runCanary(sb, ['run', ...args, '--dry-run']);
  const m = /new revision (\w+)/.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`dry run failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return m[1]!;
}

/** First deploy of any manifests (stable created at 100%, no steps). */
export async function firstDeployOf(sb: Backend, dir: string, extra: string[] = []): Promise<void> {
  const r = await runCanary(sb, ['run', dir, ...extra]);
  if (r.code !== 0) throw new Error(`first deploy failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}

/** `canary status NAME -o json` as data. */
export async function statusJson(sb: Backend, name = 'myapp'): Promise<Doc> {
  const r = await runCanary(sb, ['status', name, '-o', 'json']);
  if (r.code !== 0) throw new Error(`status failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The stable Deployment's first container image. */
export function stableImage(sb: Backend): string | undefined {
  return deployment(sb, 'myapp-stable')?.spec.template.spec.containers[0]?.image;
}

/** Asserts the exit code, showing the whole output when it differs. */
export function expectExit(r: { code: number; stdout: string; stderr: string }, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`);
}

// --- A real terminal: tmux on a private socket (never the user's server), asynchronous calls only
// (the sandbox's API server runs in this process and must keep answering).

function execAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', (e) => resolve({ code: 127, stdout, stderr: stderr + String(e) }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function hasTmux(): Promise<boolean> {
  return (await execAsync('tmux', ['-V'], { PATH: process.env.PATH })).code === 0;
}

export class Tmux {
  readonly socket = `canary-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  /** A clean environment: no CI (it turns the live view off), no user tmux config. */
  private readonly env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };

  private async tmux(...args: string[]): Promise<string> {
    const r = await execAsync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], this.env);
    if (r.code !== 0) throw new Error(`tmux ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  /** A detached session of `cols` x `rows` running `canary ARGS` with the sandbox's kubeconfig; the pane stays after it exits, showing EXIT=<code>. */
  async start(name: string, sb: Backend, args: string[], size: { cols: number; rows: number } = { cols: 100, rows: 40 }): Promise<void> {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = `cd ${q(ROOT)} && env -u CI -u GITHUB_ACTIONS -u NO_COLOR KUBECONFIG=${q(sb.kubeconfigPath)} ${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}; echo "EXIT=$?"; sleep 600`;
    await this.tmux('new-session', '-d', '-x', String(size.cols), '-y', String(size.rows), '-s', name, command);
  }

  /** The visible screen, wrapped lines joined, trailing blank lines dropped. */
  async capture(name: string): Promise<string> {
    return (await this.tmux('capture-pane', '-p', '-J', '-t', name)).replace(/\s+$/, '');
  }

  /** The scrollback and the screen, wrapped lines joined. */
  async captureHistory(name: string): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', name);
  }

  /** The same with attributes as escape sequences (what the terminal shows as colours). */
  async captureRaw(name: string): Promise<string> {
    return this.tmux('capture-pane', '-p', '-e', '-t', name);
  }

  async kill(): Promise<void> {
    await execAsync('tmux', ['-L', this.socket, 'kill-server'], this.env);
    // kill-server leaves the socket file behind.
    const uid = process.getuid?.() ?? 0;
    rmSync(join('/tmp', `tmux-${uid}`, this.socket), { force: true }); // the clean env has no TMUX_TMPDIR
  }
}
