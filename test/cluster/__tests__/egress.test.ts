/**
 * The egress proxy the API server's service proxy dials through: HTTP CONNECT on a unix socket,
 * answered by a loopback TCP server or an in-process handler, and refusals worded as the dial
 * errors a node would give (the API server quotes them in its 503).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEgressProxy, type EgressProxy, type EgressTarget } from '../agent/egress.js';

/** Sends CONNECT ip:port then one HTTP GET through the tunnel; the raw text that came back. */
function through(socketPath: string, target: string, path = '/hello'): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(socketPath, () => c.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\nGET ${path} HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n`));
    let text = '';
    c.on('data', (d) => (text += String(d)));
    c.on('end', () => resolve(text));
    c.on('close', () => resolve(text));
    c.on('error', reject);
  });
}

describe('egress proxy', () => {
  let dir: string;
  let proxy: EgressProxy;
  let upstream: http.Server;
  let upstreamPort: number;
  let freePort: number;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canary-egress-test-'));
    upstream = http.createServer((req, res) => res.end(`upstream saw ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamPort = (upstream.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    freePort = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const targets: Record<string, EgressTarget> = {
      '10.244.0.2:9090': { kind: 'tcp', port: upstreamPort },
      '10.244.0.3:8080': { kind: 'http', handle: (req, res) => res.writeHead(201, { 'x-pod': 'b' }).end(`handler saw ${req.url}`) },
      '10.244.0.4:9090': { kind: 'tcp', port: freePort },
    };
    proxy = await startEgressProxy(join(dir, 'egress.sock'), (ip, port) => targets[`${ip}:${port}`], (l) => logs.push(l));
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((r) => upstream.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('tunnels to a loopback TCP server', async () => {
    const text = await through(proxy.socketPath, '10.244.0.2:9090', '/api/v1/query');
    expect(text).toMatch(/^HTTP\/1\.1 200 Connection established\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(text).toMatch(/upstream saw \/api\/v1\/query$/);
  });

  it('serves a pod in-process', async () => {
    const text = await through(proxy.socketPath, '10.244.0.3:8080', '/status/201');
    expect(text).toMatch(/HTTP\/1\.1 201 Created/);
    expect(text).toMatch(/x-pod: b/);
    expect(text).toMatch(/\r\nhandler saw \/status\/201\r\n/);
  });

  it('a pod whose server is down: 502 with the dial error a node would report', async () => {
    expect(await through(proxy.socketPath, '10.244.0.4:9090')).toBe('HTTP/1.1 502 dial tcp 10.244.0.4:9090: connect: connection refused\r\n\r\n');
  });

  it('an address no pod has: 503, logged; anything but CONNECT: 405', async () => {
    expect(await through(proxy.socketPath, '10.244.7.7:80')).toBe('HTTP/1.1 503 Service Unavailable\r\n\r\n');
    expect(logs).toContain('egress: no pod serves 10.244.7.7:80');
    const text = await new Promise<string>((resolve) => {
      const c = net.connect(proxy.socketPath, () => c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      let t = '';
      c.on('data', (d) => (t += String(d)));
      c.on('close', () => resolve(t));
    });
    expect(text).toBe('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
    expect(proxy.connects().get('10.244.0.2:9090')).toBe(1);
  });
});
