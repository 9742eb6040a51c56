/**
 * TLS material made with the openssl CLI: a throw-away CA and a server certificate for
 * 127.0.0.1 and localhost, both EC P-256 (two openssl runs, 20-100 ms each depending on load).
 * Clients verify the server against the CA, as they do against a real cluster's kubeconfig.
 * The material depends on nothing but the host names, so one process makes it once and every
 * server it starts reuses it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const CA_CONFIG = `[req]
distinguished_name = dn
prompt = no
x509_extensions = ext
[dn]
CN = canary-sandbox-ca
[ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`;

const SERVER_CONFIG = `[req]
distinguished_name = dn
prompt = no
x509_extensions = ext
[dn]
CN = kube-apiserver
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
`;

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];

const made = new Map<string, Promise<TlsMaterial | undefined>>();

/** The process's CA and server certificate (made on first use), or undefined when no openssl binary can be run. */
export function serverTls(openssl = 'openssl'): Promise<TlsMaterial | undefined> {
  let m = made.get(openssl);
  if (!m) {
    m = generateTls(openssl);
    made.set(openssl, m);
    // A failed run is not remembered: the next server start tries again.
    m.catch(() => made.delete(openssl));
  }
  return m;
}

/** A new CA and a server certificate signed by it, or undefined when no openssl binary can be run. */
export async function generateTls(openssl = 'openssl'): Promise<TlsMaterial | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'canary-sandbox-tls-'));
  try {
    await writeFile(join(dir, 'ca.cnf'), CA_CONFIG);
    await writeFile(join(dir, 'server.cnf'), SERVER_CONFIG);
    const at = (f: string): string => join(dir, f);
    try {
      await run(openssl, ['req', '-x509', ...EC_KEY, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '7', '-config', at('ca.cnf')]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    await run(openssl, ['req', '-x509', ...EC_KEY, '-keyout', at('server.key'), '-out', at('server.crt'), '-days', '7', '-config', at('server.cnf'), '-CA', at('ca.crt'), '-CAkey', at('ca.key')]);
    const [caPem, certPem, keyPem] = await Promise.all([readFile(at('ca.crt'), 'utf8'), readFile(at('server.crt'), 'utf8'), readFile(at('server.key'), 'utf8')]);
    return { caPem, certPem, keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
