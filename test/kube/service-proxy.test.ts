import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeServiceProxy, type ProxyRoute } from '../../src/kube/service-proxy.js';
import { FakeClock } from '../support/fake-clock.js';
import { eventually } from './support/clocks.js';
import { kubeSandbox, type KubeSandbox } from './support/sandbox.js';

const target = { scheme: 'http' as const, namespace: 'monitoring', service: 'prometheus-server', port: 80 };

function get(url: string, route: ProxyRoute): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { headers: route.headers, ca: route.ca, cert: route.cert, key: route.key, rejectUnauthorized: !route.insecure }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kubeServiceProxy', () => {
  let sb: KubeSandbox;
  let backend: http.Server;
  let dir: string;
  const clock = new FakeClock();
  beforeEach(async () => {
    sb = await kubeSandbox();
    dir = mkdtempSync(path.join(tmpdir(), 'canary-proxy-'));
    backend = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    sb.api.serviceProxy.register('monitoring', 'prometheus-server', 80, `http://127.0.0.1:${(backend.address() as AddressInfo).port}`);
  });
  afterEach(async () => {
    await sb.close();
    await new Promise((r) => backend.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('routes to the service through the API server with the user\'s token and the cluster CA', async () => {
    const proxy = await kubeServiceProxy(sb.kc, { clock });
    const route = proxy.route(target);
    expect(route.baseUrl).toBe(`${sb.api.url}/api/v1/namespaces/monitoring/services/prometheus-server:80/proxy`);
    expect(route.headers).toEqual({ Authorization: `Bearer ${sb.api.token}` });
    expect(route.ca).toBe(sb.api.caPem);
    expect(route.insecure).toBeUndefined();
    const res = await get(`${route.baseUrl}/api/v1/query?query=up`, route);
    expect(res.status).toBe(200);
    // the API server forwards the path and keeps the user's credentials to itself
    expect(JSON.parse(res.body)).toEqual({ path: '/api/v1/query?query=up', auth: null });
    expect(proxy.route({ ...target, scheme: 'https', port: 9090 }).baseUrl).toMatch(/\/services\/https:prometheus-server:9090\/proxy$/);
  });

  it('honours insecure-skip-tls-verify and client certificates from the kubeconfig', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: sb.api.url, skipTLSVerify: true }],
      users: [{ name: 'u', certData: Buffer.from('CERT').toString('base64'), keyData: Buffer.from('KEY').toString('base64') }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const route = (await kubeServiceProxy(kc, { clock })).route(target);
    expect(route).toMatchObject({ insecure: true, cert: 'CERT', key: 'KEY' });
    expect(route.ca).toBeUndefined();
  });

  it('exec plugin tokens are refreshed in the background once older than refreshMs', async () => {
    const counter = path.join(dir, 'n');
    writeFileSync(counter, '0');
    const plugin = path.join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      `import fs from 'node:fs';
const n = Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
fs.writeFileSync(${JSON.stringify(counter)}, String(n));
console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'token-' + n } }));`,
    );
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: sb.api.url, caData: Buffer.from(sb.api.caPem!).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'u', exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never' } }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const proxy = await kubeServiceProxy(kc, { clock, refreshMs: 60_000 });
    expect(proxy.route(target).headers['Authorization']).toBe('Bearer token-1');
    await clock.advance(30_000);
    expect(proxy.route(target).headers['Authorization']).toBe('Bearer token-1');
    await clock.advance(30_000);
    expect(proxy.route(target).headers['Authorization']).toBe('Bearer token-1');
    await eventually(() => proxy.route(target).headers['Authorization'] === 'Bearer token-2', 5_000, 'the refreshed token');
  });
});
