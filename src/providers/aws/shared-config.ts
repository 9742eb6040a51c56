/**
 * The AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials, or
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): one profile's settings, the credentials file's
 * keys winning over the config file's, as the AWS SDKs read them. Indented lines (service
 * sub-sections) are skipped.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Profile = Record<string, string>;

export interface SharedFiles {
  /** The profile's settings (lower-case keys), or null when neither file has it. */
  profile(name: string): Promise<Profile | null>;
}

export function sharedFiles(env: NodeJS.ProcessEnv, read: (path: string) => Promise<string | null> = readIfExists): SharedFiles {
  const home = env.HOME || env.USERPROFILE || homedir();
  const configPath = env.AWS_CONFIG_FILE || join(home, '.aws', 'config');
  const credentialsPath = env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials');
  let loaded: Promise<{ config: Map<string, Profile>; credentials: Map<string, Profile> }> | null = null;
  const load = () =>
    (loaded ??= Promise.all([read(configPath), read(credentialsPath)]).then(([config, credentials]) => ({
      config: parseIni(config ?? '', true),
      credentials: parseIni(credentials ?? '', false),
    })));
  return {
    profile: async (name) => {
      const { config, credentials } = await load();
      const a = config.get(name);
      const b = credentials.get(name);
      return a || b ? { ...a, ...b } : null;
    },
  };
}

/** Sections by profile name: the config file spells them `[profile NAME]` (but `[default]`). */
export function parseIni(text: string, configFile: boolean): Map<string, Profile> {
  const out = new Map<string, Profile>();
  let current: Profile | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const section = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(raw);
    if (section) {
      let name = section[1]!;
      if (configFile) {
        const m = /^profile\s+(.+)$/.exec(name);
        if (m) name = m[1]!;
        else if (name !== 'default') {
          current = null;
          continue;
        }
      }
      current = out.get(name) ?? {};
      out.set(name, current);
      continue;
    }
    if (!current || /^\s/.test(raw)) continue;
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    const key = raw.slice(0, eq).trim().toLowerCase();
    const value = raw.slice(eq + 1).replace(/\s[#;].*$/, '').trim();
    if (key) current[key] = value;
  }
  return out;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
