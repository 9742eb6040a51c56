/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver (Node,RBAC authorizers) and
 * kube-controller-manager, from the binary that build.ts makes. Keys, certificates and kubeconfigs
 * are made in a temporary directory at every start; close() stops the three processes and removes
 * it. There are no kubelets and no scheduler: the node agent (agent/) registers a Node, binds pods
 * and reports their status.
 *
 * The API server's service proxy dials pod IPs through the "cluster" egress selector: an HTTP
 * CONNECT proxy on a unix socket (`egressSocket`) that the node agent serves, mapping each fake pod
 * IP to a loopback address (README.md, "Service proxy").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureControlPlaneBinary } from './build.js';
import { makePki, type Pki } from './pki.js';

export interface ControlPlaneOptions {
  /** Progress lines (build, start-up); default stderr. */
  log?: (line: string) => void;
  /** Extra kube-apiserver flags (`--flag=value`). */
  apiServerFlags?: string[];
}

export interface ControlPlane {
  /** https://127.0.0.1:PORT */
  url: string;
  version: string;
  pki: Pki;
  /** Admin (system:masters) kubeconfig file and YAML. */
  adminKubeconfigPath: string;
  adminKubeconfig: string;
  /** The unix socket the API server's service proxy dials through (HTTP CONNECT); the node agent listens on it. */
  egressSocket: string;
  /** The temporary directory (certificates, logs, etcd data); removed by close(). */
  dir: string;
  /** Seconds the binary's build took this time, or null when it came from the cache. */
  builtInSeconds: number | null;
  /** Seconds from spawning etcd to the controller manager running. */
  startedInSeconds: number;
  /** Text of one component's log so far (for failure messages). */
  logs(component: 'etcd' | 'kube-apiserver' | 'kube-controller-manager'): Promise<string>;
  close(): Promise<void>;
}

/** The controllers the e2e suite relies on; the rest (nodes, volumes, ...) have nothing to do without kubelets. */
export const CONTROLLERS = [
  'deployment-controller',
  'replicaset-controller',
  'job-controller',
  'endpointslice-controller',
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'root-ca-certificate-publisher-controller',
  'service-cidr-controller',
];

export const SERVICE_CIDR = '10.96.0.0/16';

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const binary = await ensureControlPlaneBinary(log);
  const dir = await mkdtemp(join(tmpdir(), 'canary-cluster-'));
  const children: { name: string; child: ChildProcess }[] = [];
  const close = async () => {
    for (const { child } of children.splice(0).reverse()) await stop(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    const pki = await makePki(dir);
    const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
    const url = `https://127.0.0.1:${apiPort}`;
    const egressSocket = join(dir, 'egress.sock');
    await writeFile(
      join(dir, 'egress.yaml'),
      stringify({
        apiVersion: 'apiserver.k8s.io/v1beta1',
        kind: 'EgressSelectorConfiguration',
        egressSelections: [{ name: 'cluster', connection: { proxyProtocol: 'HTTPConnect', transport: { uds: { udsName: egressSocket } } } }],
      }),
    );
    const adminKubeconfig = kubeconfig(url, pki.caPem, 'canary-test-admin', pki.adminCertPem, pki.adminKeyPem);
    const adminKubeconfigPath = join(dir, 'admin.kubeconfig');
    await writeFile(adminKubeconfigPath, adminKubeconfig, { mode: 0o600 });
    const kcmKubeconfigPath = join(dir, 'kcm.kubeconfig');
    await writeFile(kcmKubeconfigPath, kubeconfig(url, pki.caPem, 'system:kube-controller-manager', pki.kcmCertPem, pki.kcmKeyPem), { mode: 0o600 });

    const launch = (name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager', args: string[]) => {
      const out = createWriteStream(join(dir, `${name}.log`));
      const child = spawn(binary.path, [name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.pipe(out, { end: false });
      child.stderr!.pipe(out, { end: false });
      children.push({ name, child });
      return child;
    };
    const logs = (name: string) => readFile(join(dir, `${name}.log`), 'utf8').catch(() => '');

    const etcd = launch('etcd', ['--data-dir', join(dir, 'etcd'), '--listen-client-url', `http://127.0.0.1:${etcdClient}`, '--listen-peer-url', `http://127.0.0.1:${etcdPeer}`]);
    await waitForLine(etcd, /etcd ready/, 60_000, 'etcd', () => logs('etcd'));

    const f = pki.files;
    const apiserver = launch('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${f.serverCert}`,
      `--tls-private-key-file=${f.serverKey}`,
      `--client-ca-file=${f.ca}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${f.saPub}`,
      `--service-account-signing-key-file=${f.saKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--authorization-mode=Node,RBAC',
      // The `kubernetes` Service's endpoint would be 127.0.0.1, which Endpoints validation refuses.
      '--endpoint-reconciler-type=none',
      `--egress-selector-config-file=${join(dir, 'egress.yaml')}`,
      '--profiling=false',
      ...(options.apiServerFlags ?? []),
    ]);
    await waitForHttps(`${url}/readyz`, pki, 120_000, apiserver, () => logs('kube-apiserver'));

    const kcm = launch('kube-controller-manager', [
      `--kubeconfig=${kcmKubeconfigPath}`,
      `--authentication-kubeconfig=${kcmKubeconfigPath}`,
      `--authorization-kubeconfig=${kcmKubeconfigPath}`,
      '--secure-port=0',
      '--leader-elect=false',
      // As kubeadm runs it: each controller acts as its own ServiceAccount, under the bootstrap RBAC roles.
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${f.saKey}`,
      `--root-ca-file=${f.ca}`,
      `--controllers=${CONTROLLERS.join(',')}`,
      '--profiling=false',
    ]);
    // The controller manager serves nothing we can ask; it is up once the ServiceAccount controller made `default` in kube-system.
    await waitFor(async () => (await httpsGet(`${url}/api/v1/namespaces/kube-system/serviceaccounts/default`, pki)).status === 200, 60_000, 'kube-controller-manager (ServiceAccount kube-system/default)', kcm, () => logs('kube-controller-manager'));

    const version = JSON.parse((await httpsGet(`${url}/version`, pki)).body).gitVersion as string;
    return {
      url,
      version,
      pki,
      adminKubeconfigPath,
      adminKubeconfig,
      egressSocket,
      dir,
      builtInSeconds: binary.builtInSeconds,
      startedInSeconds: (Date.now() - started) / 1000,
      logs,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export function kubeconfig(server: string, caPem: string, user: string, certPem: string, keyPem: string, namespace?: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'canary-test-cluster', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) } }],
    contexts: [{ name: 'canary-test-cluster', context: { cluster: 'canary-test-cluster', user, ...(namespace ? { namespace } : {}) } }],
    'current-context': 'canary-test-cluster',
  });
}

/** GET with the admin client certificate. */
export function httpsGet(url: string, pki: Pki): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: pki.caPem, cert: pki.adminCertPem, key: pki.adminKeyPem, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within 10 s`)));
    req.on('error', reject);
  });
}

async function waitFor(ok: () => Promise<boolean>, timeoutMs: number, what: string, child: ChildProcess, logs: () => Promise<string>): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) during start-up:\n${tail(await logs())}`);
    if (await ok().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${tail(await logs())}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function waitForHttps(url: string, pki: Pki, timeoutMs: number, child: ChildProcess, logs: () => Promise<string>): Promise<void> {
  return waitFor(async () => (await httpsGet(url, pki)).status === 200, timeoutMs, `kube-apiserver (${url})`, child, logs);
}

function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number, what: string, logs: () => Promise<string>): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += String(d);
      if (re.test(seen)) done();
    };
    const onExit = () => void logs().then((l) => fail(new Error(`${what} exited (${child.exitCode ?? child.signalCode}) during start-up:\n${tail(l)}`)));
    const timer = setTimeout(() => void logs().then((l) => fail(new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${tail(l)}`))), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
    };
    const done = () => (cleanup(), resolve());
    const fail = (e: Error) => (cleanup(), reject(e));
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** SIGTERM, then SIGKILL after 5 s. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** n distinct free loopback ports (held open together so they differ). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
