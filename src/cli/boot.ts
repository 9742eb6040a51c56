/**
 * Loads the bundled CLI (dist/src/cli/canary.cjs, built by scripts/bundle.ts) with V8's code cache,
 * as Node 22's module.enableCompileCache does and Node 20 does not: the first run of each command
 * compiles the bundle and stores what V8 compiled; later runs of that command deserialize it instead
 * of parsing 1.5 MB of JavaScript (docs/benchmarks.md, issue 15). bin/canary.js runs this file as
 * CommonJS (dist/src/cli/boot.cjs), before anything else is loaded.
 *
 * The cache is an optimisation only: a missing, unreadable, unwritable or stale cache (another node
 * binary, other V8 flags) means the bundle is compiled from source as without one. V8 checks its
 * version, flags and the source's length; the bundle's content hash, in its first line, is part of
 * the file name, so a rebuilt bundle never meets the cache of another.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { canaryCacheHome } from '../util/cache-home.js';

/** What the bundle exports: cli/main.ts. */
export interface CliModule {
  main(argv: readonly string[]): Promise<number>;
}

/**
 * One cache per command: each holds the functions its command compiled, so `canary --help` does
 * not deserialize the linter. Must list cli/main.ts's verbs and its completion word (a test checks).
 */
export const CACHED_COMMANDS: readonly string[] = ['lint', 'run', 'status', 'abort', 'promote', 'retry', 'analyze', 'history', 'completion', '__complete'];

/** The first argument naming a command, else `help` (`canary`, `canary --help`, `canary -V`, a typo). */
export function commandOf(argv: readonly string[]): string {
  return argv.slice(2).find((a) => CACHED_COMMANDS.includes(a)) ?? 'help';
}

/**
 * Commands that talk to the API server: they run without V8's optimizing compilers (runCli), and
 * load node:https and node:http (with tls, net, crypto and the streams) before that
 * flag changes. Node's embedded code cache of its own modules is made under the default flags, and
 * once any flag changes every builtin loaded after it is compiled from source: 7 ms of
 * `canary status` (docs/benchmarks.md, issue 15).
 */
export const CLUSTER_COMMANDS: readonly string[] = ['run', 'status', 'abort', 'promote', 'retry', 'analyze', 'history', '__complete'];

/**
 * The cache key: the command, and the node flags when there are any. V8 rejects a cache made under
 * other flags (the jest suites run canary with NODE_OPTIONS=--experimental-vm-modules); one file
 * per set of flags keeps two ways of running canary from replacing each other's cache at every run.
 */
export function cacheKey(argv: readonly string[], execArgv: readonly string[] = [], nodeOptions = ''): string {
  const command = commandOf(argv);
  const flags = `${execArgv.join(' ')} ${nodeOptions}`.trim();
  return flags ? `${command}-${fnv1a(flags)}` : command;
}

/** 32-bit FNV-1a, hex: node:crypto would cost start-up what the cache saves. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** `// canary-bundle <hash>` opens the bundle (scripts/bundle.ts); null for anything else. */
export function bundleHash(source: string): string | null {
  return /^\/\/ canary-bundle ([0-9a-f]{16})\n/.exec(source.slice(0, 64))?.[1] ?? null;
}

/**
 * Where this node binary's code caches live: $XDG_CACHE_HOME/canary, else ~/.cache/canary, one folder
 * per node version and architecture. null when caching is off (NODE_DISABLE_COMPILE_CACHE, Node's
 * own switch for its compile cache) or there is no home.
 */
export function cacheDir(env: NodeJS.ProcessEnv, home?: string): string | null {
  if (env.NODE_DISABLE_COMPILE_CACHE) return null;
  const base = canaryCacheHome(env, home);
  return base && join(base, `v8-${process.version}-${process.arch}`);
}

export type CacheState = 'off' | 'accepted' | 'rejected' | 'none';

export interface LoadedCli {
  cli: CliModule;
  /** What happened to the cache: off (no dir, no hash), accepted, rejected by V8, none yet. */
  cache: CacheState;
  /** Stores the code cache when there was none or V8 rejected it; never throws. Call at the end. */
  save(): void;
}

/**
 * Compiles and runs the CommonJS bundle at `file` as Node's CJS loader would (same wrapper, a
 * `require` relative to it), with the code cache of `key` from `dir` when there is one. The bundle
 * has no import(): V8 drops what a dynamic import needs from cached code (scripts/bundle/main.ts).
 */
export function loadBundle(file: string, key: string, dir: string | null): LoadedCli {
  // The bundle is ASCII (scripts/bundle.ts checks): latin1 is the cheaper decoding, and the same
  // string V8 saw when it made the cache.
  const source = readFileSync(file, 'latin1');
  const hash = bundleHash(source);
  const cacheFile = dir && hash ? join(dir, `${hash}-${key}.bin`) : null;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const cache: CacheState = !cacheFile ? 'off' : !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  const mod = { exports: {} as CliModule };
  const wrapper = script.runInThisContext() as (e: object, r: NodeRequire, m: object, f: string, d: string) => void;
  wrapper(mod.exports, createRequire(file), mod, file, dirname(file));
  return {
    cli: mod.exports,
    cache,
    save: () => {
      if (!cacheFile || cache === 'accepted') return;
      try {
        store(dir!, cacheFile, script.createCachedData());
      } catch {
        // A read-only or full disk: the next run compiles again, as this one did.
      }
    },
  };
}

/** A cache file not written for this long is removed when another is stored. */
export const CACHE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** Written whole then renamed, so that 50 runners starting at once never read half a file. */
function store(dir: string, file: string, data: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
  // Other builds' caches stay: two installs (a global one and a project's, or two checkouts) would
  // otherwise delete each other's at every run. Those of builds gone since are removed after a week
  // (a cache in use is rewritten only when rejected, so a long-lived one may go and be made again).
  const old = Date.now() - CACHE_MAX_AGE_MS;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path !== file && (name.endsWith('.bin') || name.endsWith('.tmp')) && statSync(path).mtimeMs < old) rmSync(path, { force: true });
  }
}

/**
 * bin/canary.js's start: the bundle with its code cache, or with source maps and without the cache
 * under CANARY_DEBUG (stack traces then name src/ files and lines; V8's cache bypasses Node's source
 * map support).
 */
export async function runCli(file: string, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (env.CANARY_DEBUG) {
    process.setSourceMapsEnabled(true);
    const cli = createRequire(file)(file) as CliModule;
    return cli.main(argv);
  }
  const command = commandOf(argv);
  const req = createRequire(file);
  if (CLUSTER_COMMANDS.includes(command)) {
    for (const m of ['node:https', 'node:http']) req(m);
    // No optimizing compilers (Maglev, TurboFan): a command is over before they would pay off, and
    // a runner mostly waits; their code and data cost every process about 4 MB of memory, which a
    // waiting runner cannot spare. Set before the bundle is compiled: its code cache records the
    // flags it was made with. Not for --help and lint, where loading node:v8 to set it costs more
    // than it saves (docs/benchmarks.md).
    (req('node:v8') as typeof import('node:v8')).setFlagsFromString('--max-opt=1');
  }
  const loaded = loadBundle(file, cacheKey(argv, process.execArgv, env.NODE_OPTIONS), cacheDir(env));
  try {
    return await loaded.cli.main(argv);
  } finally {
    loaded.save();
  }
}
