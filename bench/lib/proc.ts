/**
 * Child processes for the benchmarks: the built `canary` binary (and kubectl) against a sandbox's
 * kubeconfig, with their output kept, and /proc sampling of a child's RSS and CPU time. Every
 * child started here is killed by killAll() (main.ts calls it on exit and on Ctrl+C).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = process.cwd();
export const BIN = join(ROOT, 'bin', 'canary.js');

export interface Proc {
  child: ChildProcess;
  pid: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code; a signal gives 128 + its number, like a shell. */
  done: Promise<number>;
  /** Resolves once stdout or stderr matches (rejects after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

const children = new Set<ChildProcess>();

export function canaryEnv(kubeconfig: string | null, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: '1', ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}), ...extra };
}

/** Starts `canary ARGS` (node bin/canary.js) with the given kubeconfig; plain line output. */
export function startCanary(kubeconfig: string | null, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return start(process.execPath, [BIN, ...args], canaryEnv(kubeconfig, env));
}

export function start(cmd: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  child.stdout!.on('data', (d) => ((out += String(d)), check()));
  child.stderr!.on('data', (d) => ((err += String(d)), check()));
  const done = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2));
    });
  });
  return {
    child,
    pid: child.pid!,
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
    done,
    waitFor: (re, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re}\nstdout:\n${out.slice(-3000)}\nstderr:\n${err.slice(-3000)}`)), timeoutMs);
        waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
        check();
      }),
  };
}

/** Runs canary to completion. */
export async function runCanary(kubeconfig: string | null, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = startCanary(kubeconfig, args, env);
  const code = await p.done;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

export async function killAll(): Promise<void> {
  await Promise.all(
    [...children].map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGKILL'))))),
  );
}

/** Wall time of one synchronous run of a command (ms), and its exit status. */
export function timeOnce(cmd: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; status: number | null; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  return { ms: performance.now() - t0, status: r.status, stderr: String(r.stderr ?? '') };
}

const CLK_TCK = (() => {
  try {
    return Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcSample {
  /** ms since the sampling started. */
  t: number;
  rssMb: number;
  /** User + system CPU time so far, ms. */
  cpuMs: number;
}

/** RSS and cumulative CPU time of a process from /proc (Linux); null once it is gone. */
export function readProc(pid: number): { rssMb: number; cpuMs: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return { rssMb: rssKb / 1024, cpuMs: ((utime + stime) * 1000) / CLK_TCK };
  } catch {
    return null;
  }
}

/** Samples a process every `everyMs` until stop() (or it exits). */
export function sampleProc(pid: number, everyMs = 1000): { samples: ProcSample[]; stop(): ProcSample[] } {
  const samples: ProcSample[] = [];
  const t0 = Date.now();
  const take = () => {
    const p = readProc(pid);
    if (p) samples.push({ t: Date.now() - t0, ...p });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
