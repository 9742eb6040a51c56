import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiServer } from '../index.js';
import { createNamespace, get, post, request, startSandbox } from './helpers.js';

let server: ApiServer;
let target: http.Server;
let targetUrl: string;

/** Echoes what it received, as JSON. */
function echo(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(207, { 'Content-Type': 'application/json', 'X-Upstream': 'echo' });
    res.end(body);
  });
}

beforeAll(async () => {
  server = await startSandbox();
  target = http.createServer(echo);
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  await createNamespace(server, 'monitoring');
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((r) => target.close(() => r()));
});

const PROXY = '/api/v1/namespaces/monitoring/services/prometheus-server:80/proxy';

describe('service proxy', () => {
  it('forwards method, path, query, headers and body to the registered target, and its answer back', async () => {
    const unregister = server.serviceProxy.register('monitoring', 'prometheus-server', 80, targetUrl);
    try {
      const r = await request(server, 'POST', `${PROXY}/api/v1/query?query=${encodeURIComponent('sum(up)')}&time=1`, {
        body: 'query=up',
        contentType: 'application/x-www-form-urlencoded',
        headers: { 'X-Custom': 'kept' },
      });
      expect(r.status).toBe(207);
      expect(r.headers['x-upstream']).toBe('echo');
      expect(r.json).toMatchObject({ method: 'POST', body: 'query=up' });
      expect(r.json.url).toBe(`/api/v1/query?query=${encodeURIComponent('sum(up)')}&time=1`);
      expect(r.json.headers['x-custom']).toBe('kept');
      expect(r.json.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(r.json.headers).not.toHaveProperty('authorization');
    } finally {
      unregister();
    }
  });

  it('accepts the scheme:name:port form and a target with a base path', async () => {
    const unregister = server.serviceProxy.register('monitoring', 'prometheus-server', 80, `${targetUrl}/prefix/`);
    try {
      const r = await get(server, '/api/v1/namespaces/monitoring/services/https:prometheus-server:80/proxy/-/ready');
      expect(r.json.url).toBe('/prefix/-/ready');
    } finally {
      unregister();
    }
  });

  it('answers 503 "no endpoints available" when the Service exists but nothing is registered', async () => {
    await post(server, '/api/v1/namespaces/monitoring/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus-server' }, spec: { ports: [{ port: 80 }] } });
    const r = await get(server, `${PROXY}/api/v1/query?query=up`);
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'no endpoints available for service "prometheus-server"', reason: 'ServiceUnavailable', code: 503 });
    const wrongPort = await get(server, '/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy/');
    expect(wrongPort.json.message).toBe('no service port 9090 found for service "prometheus-server"');
  });

  it('answers 404 for a Service that does not exist and 400 for a malformed service id', async () => {
    const missing = await get(server, '/api/v1/namespaces/monitoring/services/nothing:80/proxy/');
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe('services "nothing" not found');
    const bad = await get(server, '/api/v1/namespaces/monitoring/services/ftp:x:1/proxy/');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('invalid service request "ftp:x:1"');
  });

  it('answers 503 "error trying to reach service" when the target is down', async () => {
    const down = http.createServer();
    await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((r) => down.close(() => r()));
    const unregister = server.serviceProxy.register('monitoring', 'gone', 80, `http://127.0.0.1:${port}`);
    try {
      const r = await get(server, '/api/v1/namespaces/monitoring/services/gone:80/proxy/');
      expect(r.status).toBe(503);
      expect(r.json.message).toBe(`error trying to reach service: dial tcp 127.0.0.1:${port}: connect: connection refused`);
    } finally {
      unregister();
    }
  });

  it('is authorized as the services/proxy subresource', async () => {
    const unregister = server.serviceProxy.register('monitoring', 'prometheus-server', 80, targetUrl);
    server.authorizer.setRules([{ verbs: ['get'], apiGroups: [''], resources: ['services'] }]);
    try {
      const r = await get(server, `${PROXY}/api/v1/query`);
      expect(r.status).toBe(403);
      expect(r.json.message).toBe('services "prometheus-server:80" is forbidden: User "canary-user" cannot get resource "services/proxy" in API group "" in the namespace "monitoring"');
    } finally {
      server.authorizer.allowAll();
      unregister();
    }
  });
});
