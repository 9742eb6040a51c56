/** Where canary keeps what it may lose: its code caches (cli/boot.ts) and discovery (kube/discovery-cache.ts). */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** $XDG_CACHE_HOME/canary, else ~/.cache/canary; null without a home. */
export function canaryCacheHome(env: NodeJS.ProcessEnv, home: string = safeHome()): string | null {
  // The XDG base directory spec: a relative path is invalid and ignored (it would litter the cwd).
  const xdg = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : '';
  const base = xdg || (home ? join(home, '.cache') : '');
  return base ? join(base, 'canary') : null;
}

function safeHome(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}
