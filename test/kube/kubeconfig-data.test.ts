/**
 * KubeconfigData reads and applies kubeconfigs as client-node's KubeConfig does, without importing
 * it: the same entries, errors, absolute paths, and the same TLS options and headers per request;
 * plugins and proxies still go through client-node. The kube layer's static imports must not
 * reach client-node (it would cost every command ~0.9 s and ~70 MB again).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { KubeconfigData } from '../../src/kube/kubeconfig-data.js';
import { loadedWith } from '../support/import-graph.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'canary-kcdata-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, content: string | object): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  return file;
}

const config = (cluster: Record<string, unknown>, user: Record<string, unknown> | null) => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'c', cluster: { server: 'https://k8s.example:6443/', ...cluster } }],
  users: user ? [{ name: 'u', user }] : [],
  contexts: [{ name: 'x', context: { cluster: 'c', ...(user ? { user: 'u' } : {}), namespace: 'apps' } }],
  'current-context': 'x',
});

/** What one request gets from a kubeconfig, without the agent (the transport brings its own). */
async function applied(kc: { applyToHTTPSOptions(o: RequestOptions): Promise<void> }): Promise<Record<string, unknown>> {
  const o: RequestOptions = {};
  await kc.applyToHTTPSOptions(o);
  const { agent: _agent, ...rest } = o as RequestOptions & { agent?: unknown };
  return JSON.parse(JSON.stringify(rest, (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('utf8') : v)));
}

const pem = (s: string) => Buffer.from(s).toString('base64');

describe('KubeconfigData against client-node KubeConfig', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown> | null][] = [
    ['bearer token, CA data', { 'certificate-authority-data': pem('CA') }, { token: 'tok' }],
    ['token file, CA file relative to the kubeconfig', { 'certificate-authority': 'ca.crt' }, { 'token-file': 'TOKEN_FILE' }],
    ['client certificate and key files', { 'certificate-authority': 'ca.crt' }, { 'client-certificate': 'certs/u.crt', 'client-key': 'certs/u.key' }],
    ['client certificate and key data', {}, { 'client-certificate-data': pem('CERT'), 'client-key-data': pem('KEY') }],
    ['insecure-skip-tls-verify and tls-server-name', { 'insecure-skip-tls-verify': true, 'tls-server-name': 'api.internal' }, { token: 't' }],
    ['basic auth', {}, { username: 'admin', password: 'secret' }],
    ['impersonation', {}, { token: 't', as: 'someone' }],
    ['a user with nothing', { 'certificate-authority-data': pem('CA') }, {}],
    ['no user at all', { 'certificate-authority-data': pem('CA') }, null],
  ];

  it.each(cases)('%s: same data, same request options', async (_name, cluster, user) => {
    write('ca.crt', 'CA FILE');
    write('certs/u.crt', 'CERT FILE');
    write('certs/u.key', 'KEY FILE');
    const tokenFile = write('token', 'file-token');
    const file = write('kube/config', JSON.stringify(config(cluster, user)).replace('TOKEN_FILE', tokenFile));
    // client-node reads relative paths against the file's folder: give both the same layout.
    for (const f of ['ca.crt', 'certs/u.crt', 'certs/u.key']) write(`kube/${f}`, readFileSync(path.join(dir, f)));
    const theirs = new KubeConfig();
    theirs.loadFromFile(file);
    const ours = new KubeconfigData();
    ours.loadFromFile(file);
    expect(ours.getCurrentCluster()).toEqual(theirs.getCurrentCluster());
    expect(ours.getCurrentUser()).toEqual(theirs.getCurrentUser());
    expect(ours.getContexts()).toEqual(theirs.getContexts());
    expect(ours.needsClientNode()).toBe(false);
    expect(await applied(ours)).toEqual(await applied(theirs));
  });

  it('the in-cluster token file provider: read, then re-read at most once a minute', async () => {
    const token = write('sa/token', 'sa-1');
    const data = { clusters: [{ name: 'c', server: 'https://10.96.0.1:443', skipTLSVerify: false }], users: [{ name: 'u', authProvider: { name: 'tokenFile', config: { tokenFile: token } } }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' };
    const ours = new KubeconfigData();
    ours.loadFromOptions(data as never);
    const theirs = new KubeConfig();
    theirs.loadFromOptions(data as never);
    expect(ours.needsClientNode()).toBe(false);
    expect(await applied(ours)).toEqual(await applied(theirs));
    write('sa/token', 'sa-2');
    expect(((await applied(ours)).headers as Record<string, string>).Authorization).toBe('Bearer sa-1');
  });

  it.each([
    ['clusters: [{cluster: {server: x}}]', 'clusters[0].name is missing'],
    ['clusters: [{name: a}]', 'clusters[0].cluster is missing'],
    ['clusters: [{name: a, cluster: {}}]', 'clusters[0].cluster.server is missing'],
    ['users: [{user: {}}]', 'users[0].name is missing'],
    ['contexts: [{name: a}]', 'contexts[0].context is missing'],
    ['contexts: [{name: a, context: {user: u}}]', 'contexts[0].context.cluster is missing'],
  ])('%s: the error client-node gives (%s)', (text, message) => {
    const file = write('bad', text);
    expect(() => new KubeConfig().loadFromFile(file)).toThrow(message);
    expect(() => new KubeconfigData().loadFromFile(file)).toThrow(message);
  });

  it('an empty file is an empty kubeconfig (client-node throws a TypeError)', () => {
    const kc = new KubeconfigData();
    kc.loadFromFile(write('empty', ''));
    expect(kc.getContexts()).toEqual([]);
    expect(kc.getCurrentCluster()).toBeNull();
  });

  it.each([
    ['an exec plugin', {}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'true' } }],
    ['an auth-provider plugin', {}, { 'auth-provider': { name: 'oidc', config: {} } }],
    ['a proxy-url', { 'proxy-url': 'http://proxy:3128' }, { token: 't' }],
  ])('%s is applied by client-node, loaded on first use', async (_name, cluster, user) => {
    const kc = new KubeconfigData();
    kc.loadFromFile(write('config', config(cluster, user)));
    expect(kc.needsClientNode()).toBe(true);
  });
});

describe('the kube layer does not load client-node up front', () => {
  it('no static import path from src/wiring/cluster.ts (connect) reaches @kubernetes/client-node', () => {
    const { files, packages } = loadedWith(path.join(process.cwd(), 'src/wiring/cluster.ts'));
    expect(files.size).toBeGreaterThan(10);
    expect(packages).not.toContain('@kubernetes/client-node');
  });
});
