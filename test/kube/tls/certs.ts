/**
 * Certificates for the trust tests, made with the openssl CLI (as the sandbox's are): each spec is
 * a subject, its key, its extensions (openssl x509v3_config lines) and its issuer.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertSpec {
  key?: 'ec' | 'rsa1024' | 'rsa2048' | 'ed25519';
  ext: string[];
  /** The name of the spec that signs it; none: self-signed. */
  issuer?: string;
  digest?: 'sha256' | 'sha1';
}

export interface Made {
  certPem: string;
  keyPem: string;
}

const KEYS: Record<NonNullable<CertSpec['key']>, string[]> = {
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
  rsa1024: ['-newkey', 'rsa:1024'],
  rsa2048: ['-newkey', 'rsa:2048'],
  ed25519: ['-newkey', 'ed25519'],
};

/** Every spec's certificate and key; issuers are made before what they sign. */
export async function makeCerts(specs: Record<string, CertSpec>): Promise<Record<string, Made>> {
  const dir = await mkdtemp(join(tmpdir(), 'canary-tls-test-'));
  const made = new Map<string, Promise<Made>>();
  const make = (name: string): Promise<Made> => {
    let m = made.get(name);
    if (m) return m;
    const spec = specs[name];
    if (!spec) throw new Error(`no spec ${name}`);
    m = (async () => {
      const at = (f: string) => join(dir, `${name}.${f}`);
      await writeFile(at('cnf'), ['[req]', 'distinguished_name = dn', 'prompt = no', 'x509_extensions = ext', '[dn]', `CN = ${name}`, '[ext]', ...spec.ext, ''].join('\n'));
      const args = ['req', '-x509', ...KEYS[spec.key ?? 'ec'], '-noenc', '-keyout', at('key'), '-out', at('crt'), '-days', '7', '-config', at('cnf')];
      if (spec.key !== 'ed25519') args.push(`-${spec.digest ?? 'sha256'}`);
      if (spec.issuer) {
        await make(spec.issuer);
        args.push('-CA', join(dir, `${spec.issuer}.crt`), '-CAkey', join(dir, `${spec.issuer}.key`));
      }
      await run('openssl', args);
      const [certPem, keyPem] = await Promise.all([readFile(at('crt'), 'utf8'), readFile(at('key'), 'utf8')]);
      return { certPem, keyPem };
    })();
    made.set(name, m);
    return m;
  };
  try {
    const names = Object.keys(specs);
    const all = await Promise.all(names.map(make));
    return Object.fromEntries(names.map((n, i) => [n, all[i]!]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
