/**
 * What a container image does when it runs in the sandbox. A "bad release" is just a new image:
 * the profile table says which tags answer 500s, which are slow, which crash and which cannot be
 * pulled. Sandboxes override or extend the table (`images: { 'x:1': { errorRate: 1 } }`).
 */
export type ImageBehaviour =
  /**
   * Starts, becomes Ready, serves httpbin; `errorRate` of requests get `errorStatus`. In a pod that
   * runs to completion (a Job's: restartPolicy Never or OnFailure) it exits with `exitCode` after `runMs`.
   */
  | { kind: 'serve'; errorRate: number; errorStatus: number; latencyMs: number; exitCode: number; runMs: number }
  /** Starts and exits at once, forever: CrashLoopBackOff with a growing restartCount. */
  | { kind: 'crash'; exitCode: number }
  /** The image cannot be pulled: ErrImagePull, then ImagePullBackOff. */
  | { kind: 'pull' };

/** How a sandbox user writes a profile: serve fields, or `start: 'crash' | 'pull'`. */
export interface ImageProfile {
  errorRate?: number;
  errorStatus?: number;
  latencyMs?: number;
  start?: 'ok' | 'crash' | 'pull';
  /** A crashing container's exit code; for `ok`, what a Job's container exits with (default 0). */
  exitCode?: number;
  /** How long a Job's container runs before it exits (default 0: at once once started). */
  runMs?: number;
}

export const HTTPBIN = 'ghcr.io/mccutchen/go-httpbin';

/** The built-in table. Every image not listed here (and not matched by a tag rule) is healthy. */
export const DEFAULT_IMAGES: Readonly<Record<string, ImageProfile>> = {
  [`${HTTPBIN}:2.17`]: {},
  [`${HTTPBIN}:2.17.1`]: {},
  // The seed article's failing release.
  [`${HTTPBIN}:2.18`]: { errorRate: 0.3, errorStatus: 500 },
  // A release that is correct but slow: p99 latency analyses should catch it.
  [`${HTTPBIN}:2.18-slow`]: { latencyMs: 300 },
  [`${HTTPBIN}:crash`]: { start: 'crash' },
  [`${HTTPBIN}:nonexistent`]: { start: 'pull' },
};

/** Tags that mean the same thing on any repository (`myorg/app:crash`). */
const TAG_RULES: Readonly<Record<string, ImageProfile>> = {
  crash: { start: 'crash' },
  crashloop: { start: 'crash' },
  nonexistent: { start: 'pull' },
  'does-not-exist': { start: 'pull' },
  // A Job's container that fails (a smoke test that finds the release broken).
  fail: { exitCode: 1 },
  failing: { exitCode: 1 },
};

export type ImageTable = Readonly<Record<string, ImageProfile>>;

export function imageTable(overrides: ImageTable = {}): ImageTable {
  for (const [image, p] of Object.entries(overrides)) validateProfile(image, p);
  return { ...DEFAULT_IMAGES, ...overrides };
}

export function behaviourOf(image: string, table: ImageTable): ImageBehaviour {
  const profile = table[image] ?? TAG_RULES[tagOf(image)] ?? {};
  return normalize(profile);
}

function normalize(p: ImageProfile): ImageBehaviour {
  switch (p.start ?? 'ok') {
    case 'crash':
      return { kind: 'crash', exitCode: p.exitCode ?? 1 };
    case 'pull':
      return { kind: 'pull' };
    case 'ok':
      return { kind: 'serve', errorRate: p.errorRate ?? 0, errorStatus: p.errorStatus ?? 500, latencyMs: p.latencyMs ?? 0, exitCode: p.exitCode ?? 0, runMs: p.runMs ?? 0 };
  }
}

function tagOf(image: string): string {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : 'latest';
}

function validateProfile(image: string, p: ImageProfile): void {
  const bad = (what: string) => new Error(`image profile for ${JSON.stringify(image)}: ${what}`);
  if (p.errorRate !== undefined && !(p.errorRate >= 0 && p.errorRate <= 1)) throw bad(`errorRate must be between 0 and 1, got ${p.errorRate}`);
  if (p.errorStatus !== undefined && !(Number.isInteger(p.errorStatus) && p.errorStatus >= 100 && p.errorStatus <= 599)) {
    throw bad(`errorStatus must be an HTTP status code, got ${p.errorStatus}`);
  }
  if (p.latencyMs !== undefined && !(p.latencyMs >= 0)) throw bad(`latencyMs must be >= 0, got ${p.latencyMs}`);
  if (p.start !== undefined && !['ok', 'crash', 'pull'].includes(p.start)) throw bad(`start must be ok, crash or pull, got ${String(p.start)}`);
  if (p.exitCode !== undefined && !(Number.isInteger(p.exitCode) && p.exitCode >= 0 && p.exitCode <= 255)) throw bad(`exitCode must be 0-255, got ${p.exitCode}`);
  if (p.runMs !== undefined && !(p.runMs >= 0)) throw bad(`runMs must be >= 0, got ${p.runMs}`);
}
