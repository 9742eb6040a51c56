/**
 * End-to-end harness: a sandbox with real Prometheus in this process, and the built `canary`
 * binary run as a child process against its kubeconfig, as a user would. Nothing is left running:
 * every child is killed and every sandbox closed in afterEach/afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

export interface CanaryProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code (a signal exit gives 128 + signal number, like a shell). */
  done: Promise<number>;
  kill(signal?: NodeJS.Signals): void;
  /** Resolves once stdout or stderr matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

const children = new Set<ChildProcess>();

/** Starts `canary ARGS` with the sandbox's kubeconfig. Colours off; CI=1 so output is plain lines. */
export function canary(sb: Sandbox | null, args: string[], env: NodeJS.ProcessEnv = {}): CanaryProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: '1', ...(sb ? { KUBECONFIG: sb.kubeconfigPath } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
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
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2));
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
    done,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    waitFor: (re, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re}\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
        check();
      }),
  };
}

/** Runs canary to completion: exit code and output. */
export async function runCanary(sb: Sandbox | null, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
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

/** The canary backend's weight on the seed's TrafficSplit (null when absent). */
export function splitWeight(sb: Sandbox, name = 'myapp', namespace = 'apps'): number | null {
  const ts = sb.store.tryGet(catalog.trafficsplits, namespace, name) as (K8sObject & { spec?: { backends?: { service: string; weight: number | string }[] } }) | undefined;
  const b = ts?.spec?.backends?.find((x) => x.service.endsWith('-canary'));
  return b === undefined ? null : Number(b.weight);
}

export function deployment(sb: Sandbox, name: string, namespace = 'apps'): (K8sObject & { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } }; status?: Record<string, number> }) | undefined {
  return sb.store.tryGet(catalog.deployments, namespace, name) as never;
}

export function serviceSelector(sb: Sandbox, name: string, namespace = 'apps'): Record<string, string> {
  const s = sb.store.tryGet(catalog.services, namespace, name) as (K8sObject & { spec: { selector?: Record<string, string> } }) | undefined;
  return s?.spec.selector ?? {};
}

export function runState(sb: Sandbox, name = 'myapp', namespace = 'apps'): { phase: string; stepIndex: number; weight: number | null; message: string; revision: string } | null {
  const cm = sb.store.tryGet(catalog.configmaps, namespace, `${name}-canary-run`) as (K8sObject & { data?: Record<string, string> }) | undefined;
  const json = cm?.data?.['state.json'];
  return json ? JSON.parse(json) : null;
}

export function eventReasons(sb: Sandbox, namespace = 'apps', object = 'myapp-stable'): string[] {
  return sb.store
    .list(catalog.events, namespace)
    .items.filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === object)
    .map((e) => String((e as { reason?: string }).reason));
}

/** First deploy of the seed (stable 2.17) so that later runs are canary releases. */
export async function firstDeploy(sb: Sandbox): Promise<void> {
  const r = await runCanary(sb, ['run', SEED]);
  if (r.code !== 0) throw new Error(`first deploy failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}
