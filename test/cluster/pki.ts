/**
 * The control plane's keys and certificates, made with the openssl CLI at every start (EC P-256,
 * valid 7 days): a CA, the API server's serving certificate for 127.0.0.1/localhost and the
 * in-cluster names, client certificates for the admin (system:masters) and the controller manager,
 * and the service-account signing key pair. Nothing is reused between starts.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];

export interface Pki {
  dir: string;
  /** File paths, for the control plane's flags. */
  files: { ca: string; caKey: string; serverCert: string; serverKey: string; saKey: string; saPub: string; adminCert: string; adminKey: string; kcmCert: string; kcmKey: string };
  /** PEM text, for kubeconfigs and in-process clients. */
  caPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  kcmCertPem: string;
  kcmKeyPem: string;
}

function config(cn: string, org: string | undefined, ext: string): string {
  return ['[req]', 'distinguished_name = dn', 'prompt = no', 'x509_extensions = ext', '[dn]', `CN = ${cn}`, ...(org ? [`O = ${org}`] : []), '[ext]', ext].join('\n') + '\n';
}

const CA_EXT = 'basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n';
const leafExt = (usage: 'serverAuth' | 'clientAuth', san?: string) =>
  `basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = ${usage}\nauthorityKeyIdentifier = keyid\n${san ? `subjectAltName = ${san}\n` : ''}`;

/** The API server's names: loopback for us, the in-cluster ones for completeness (10.96.0.1 is the `kubernetes` Service's ClusterIP). */
const SERVER_SAN = 'IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local';

export async function makePki(dir: string, openssl = 'openssl'): Promise<Pki> {
  const at = (f: string) => join(dir, f);
  const req = async (name: string, cfg: string, signed: boolean) => {
    await writeFile(at(`${name}.cnf`), cfg);
    await run(openssl, ['req', '-x509', ...EC_KEY, '-keyout', at(`${name}.key`), '-out', at(`${name}.crt`), '-days', '7', '-config', at(`${name}.cnf`), ...(signed ? ['-CA', at('ca.crt'), '-CAkey', at('ca.key')] : [])]);
  };
  await req('ca', config('canary-test-cluster-ca', undefined, CA_EXT), false);
  await Promise.all([
    req('apiserver', config('kube-apiserver', undefined, leafExt('serverAuth', SERVER_SAN)), true),
    req('admin', config('canary-test-admin', 'system:masters', leafExt('clientAuth')), true),
    req('kcm', config('system:kube-controller-manager', undefined, leafExt('clientAuth')), true),
    (async () => {
      await run(openssl, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', at('sa.key')]);
      await run(openssl, ['pkey', '-in', at('sa.key'), '-pubout', '-out', at('sa.pub')]);
    })(),
  ]);
  const files = {
    ca: at('ca.crt'),
    caKey: at('ca.key'),
    serverCert: at('apiserver.crt'),
    serverKey: at('apiserver.key'),
    saKey: at('sa.key'),
    saPub: at('sa.pub'),
    adminCert: at('admin.crt'),
    adminKey: at('admin.key'),
    kcmCert: at('kcm.crt'),
    kcmKey: at('kcm.key'),
  };
  const [caPem, adminCertPem, adminKeyPem, kcmCertPem, kcmKeyPem] = await Promise.all([files.ca, files.adminCert, files.adminKey, files.kcmCert, files.kcmKey].map((f) => readFile(f, 'utf8')));
  return { dir, files, caPem: caPem!, adminCertPem: adminCertPem!, adminKeyPem: adminKeyPem!, kcmCertPem: kcmCertPem!, kcmKeyPem: kcmKeyPem! };
}
