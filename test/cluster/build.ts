/**
 * Builds the control-plane binary (test/cluster/controlplane: kube-apiserver, kube-controller-manager
 * and etcd in one Go program) once per source, and caches it under the user's cache folder:
 * `~/.cache/canary-test-cluster/<kubernetes version>/control-plane-<source hash>`. The first build
 * downloads the Go modules and compiles Kubernetes (tens of minutes on 2 cores; its time is printed);
 * every later start finds the binary and takes seconds. Needs Go (`go` on PATH, /usr/local/go/bin/go,
 * or GO=path); canary itself never does.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SOURCES = ['go.mod', 'go.sum', 'main.go'];

export class GoNotInstalledError extends Error {}

/** test/cluster/controlplane in the repository, found from this module (src or dist) or the cwd. */
export function controlPlaneSourceDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'cluster', 'controlplane');
    if (existsSync(join(candidate, 'go.mod'))) return candidate;
  }
  const fromCwd = join(process.cwd(), 'test', 'cluster', 'controlplane');
  if (existsSync(join(fromCwd, 'go.mod'))) return fromCwd;
  throw new Error('test/cluster/controlplane/go.mod not found: run from the canary repository');
}

/** The Kubernetes release the binary is built from (the k8s.io/kubernetes line of go.mod). */
export async function kubernetesVersion(sourceDir = controlPlaneSourceDir()): Promise<string> {
  const mod = await readFile(join(sourceDir, 'go.mod'), 'utf8');
  const m = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+\S*)\s*$/m.exec(mod);
  if (!m) throw new Error(`${join(sourceDir, 'go.mod')}: no k8s.io/kubernetes requirement`);
  return m[1]!;
}

export function cacheRoot(): string {
  return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'canary-test-cluster');
}

/** The Go toolchain to build with: $GO, `go` on PATH, or Go's default install location. */
export async function findGo(): Promise<string> {
  const candidates = [process.env['GO'], 'go', '/usr/local/go/bin/go'].filter((c): c is string => !!c);
  for (const c of candidates) {
    try {
      await promisify(execFile)(c, ['version']);
      return c;
    } catch {
      // next candidate
    }
  }
  throw new GoNotInstalledError('no Go toolchain found (tried $GO, go on PATH, /usr/local/go/bin/go): the real control plane is built from Kubernetes\' Go modules; install Go 1.26+ (https://go.dev/dl) or use the in-process sandbox');
}

export interface BuiltBinary {
  path: string;
  version: string;
  /** Seconds the build took, or null when the cached binary was used. */
  builtInSeconds: number | null;
}

/** The cached binary for the current sources, building it first if needed. */
export async function ensureControlPlaneBinary(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<BuiltBinary> {
  const src = controlPlaneSourceDir();
  const version = await kubernetesVersion(src);
  const hash = createHash('sha256');
  for (const f of SOURCES) hash.update(await readFile(join(src, f)));
  const dir = join(cacheRoot(), version);
  const path = join(dir, `control-plane-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(path)) return { path, version, builtInSeconds: null };

  const go = await findGo();
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.building-${process.pid}`;
  const minor = /^v(\d+)\.(\d+)/.exec(version)!;
  const ldflags = [
    '-s',
    '-w',
    `-X k8s.io/component-base/version.gitVersion=${version}`,
    `-X k8s.io/component-base/version.gitMajor=${minor[1]}`,
    `-X k8s.io/component-base/version.gitMinor=${minor[2]}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ].join(' ');
  log(`control plane: building kube-apiserver, kube-controller-manager and etcd ${version} with ${go} (first time only; cached in ${dir})`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['build', '-trimpath', '-ldflags', ldflags, '-o', tmp, '.'], { cwd: src, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOFLAGS: process.env['GOFLAGS'] ?? '-mod=readonly' } });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`go build in ${src} failed (exit ${code})`))));
  }).catch(async (err: unknown) => {
    await rm(tmp, { force: true });
    throw err;
  });
  await rename(tmp, path);
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`control plane: built in ${seconds} s -> ${path}`);
  return { path, version, builtInSeconds: seconds };
}

/** `node dist/test/cluster/build.js`: build (or find) the binary and print its path. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureControlPlaneBinary().then(
    (b) => process.stdout.write(`${b.path}\n`),
    (err: unknown) => {
      process.stderr.write(`control plane: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
