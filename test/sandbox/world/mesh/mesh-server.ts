/**
 * The mesh on loopback HTTP: `/metrics` is every proxy's Linkerd metrics (what Prometheus scrapes),
 * and `/services/<namespace>/<service>/<port>/<path>` sends a request into the mesh from outside it
 * (no client proxy, so no split), which is what the API server's service proxy forwards to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Mesh } from './mesh.js';

export interface MeshServer {
  url: string;
  /** Base URL the API server's service proxy should forward `namespace/service:port` to. */
  serviceUrl(namespace: string, service: string, port: number): string;
  /** Scrapes served so far (tests and start-up checks). */
  scrapes(): number;
  close(): Promise<void>;
}

export async function startMeshServer(mesh: Mesh, opts: { port?: number } = {}): Promise<MeshServer> {
  let scrapes = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`sandbox mesh: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/metrics') {
      scrapes++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(mesh.metrics.exposition());
      return;
    }
    const m = /^\/services\/([^/]+)\/([^/]+)\/(\d+)(\/.*)?$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics or /services/<namespace>/<service>/<port>/<path>\n');
      return;
    }
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host') headers[k] = v;
    const result = await mesh.request({
      from: { external: true },
      namespace: m[1]!,
      service: m[2]!,
      port: Number(m[3]),
      method: req.method ?? 'GET',
      path: (m[4] ?? '/') + url.search,
      headers,
      signal: abort.signal,
    });
    switch (result.outcome) {
      case 'response':
        res.writeHead(result.status, result.response.headers);
        res.end(result.response.body);
        return;
      case 'no-endpoints':
      case 'no-backend': {
        // What kube-apiserver's service proxy answers itself when the Service has no ready endpoint: a Status.
        const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `no endpoints available for service "${m[2]}"`, reason: 'ServiceUnavailable', code: 503 };
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status));
        return;
      }
      case 'unresolved':
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end(`service "${m[1]}/${m[2]}" not found\n`);
        return;
      case 'no-source':
        throw new Error('an external request has no source pod to miss');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    serviceUrl: (ns, svc, p) => `${url}/services/${ns}/${svc}/${p}`,
    scrapes: () => scrapes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps scrape connections alive; they must not hold the server open.
        server.closeAllConnections();
      }),
  };
}
