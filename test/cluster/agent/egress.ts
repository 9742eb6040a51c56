/**
 * The API server's way into the pods: an HTTP CONNECT proxy on a unix socket, named in the API
 * server's EgressSelectorConfiguration as the "cluster" egress. The service proxy
 * (`/api/v1/namespaces/N/services/S:P/proxy/...`) picks a ready endpoint of the Service and asks for
 * `CONNECT <podIP>:<port>`; the pod IPs are the node agent's own numbers (10.244.0.0/16, never
 * routed), and this proxy answers by connecting to whatever serves that pod on loopback (the real
 * Prometheus for the Prometheus pod, the pod's in-process handler for the others). No packet goes
 * to a pod IP: the address is only a name here.
 */
import { rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';

export type EgressTarget =
  /** Connect to a TCP port on loopback (a real server: Prometheus). */
  | { kind: 'tcp'; port: number }
  /** Serve the connection in-process with this HTTP handler (a pod of the world). */
  | { kind: 'http'; handle: (req: IncomingMessage, res: ServerResponse) => void };

export interface EgressProxy {
  socketPath: string;
  /** CONNECTs seen, by `ip:port` (tests). */
  connects(): Map<string, number>;
  close(): Promise<void>;
}

export async function startEgressProxy(socketPath: string, resolve: (ip: string, port: number) => EgressTarget | undefined, log: (line: string) => void): Promise<EgressProxy> {
  const seen = new Map<string, number>();
  const inProcess = createHttpServer((req, res) => {
    const handle = (req.socket as net.Socket & { egressHandle?: (req: IncomingMessage, res: ServerResponse) => void }).egressHandle;
    if (handle) handle(req, res);
    else res.writeHead(502).end();
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16_384) client.destroy();
        return;
      }
      client.off('data', onData);
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      const m = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]\r\n/.exec(head);
      if (!m) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        return;
      }
      const [ip, port] = [m[1]!, Number(m[2])];
      seen.set(`${ip}:${port}`, (seen.get(`${ip}:${port}`) ?? 0) + 1);
      const target = resolve(ip, port);
      if (!target) {
        log(`egress: no pod serves ${ip}:${port}`);
        client.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
        return;
      }
      switch (target.kind) {
        case 'tcp': {
          const upstream = net.connect(target.port, '127.0.0.1', () => {
            client.write('HTTP/1.1 200 Connection established\r\n\r\n');
            if (rest.length) upstream.write(rest);
            client.pipe(upstream);
            upstream.pipe(client);
          });
          sockets.add(upstream);
          upstream.on('close', () => {
            sockets.delete(upstream);
            client.destroy();
          });
          // The API server quotes the status line in its 503 ("proxy error ... code 502: 502 <reason>"):
          // the reason is the dial error a real node would have given it, with the pod's address.
          upstream.on('error', (e: NodeJS.ErrnoException) =>
            client.end(`HTTP/1.1 502 dial tcp ${ip}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}\r\n\r\n`),
          );
          client.on('close', () => upstream.destroy());
          return;
        }
        case 'http':
          client.write('HTTP/1.1 200 Connection established\r\n\r\n');
          (client as net.Socket & { egressHandle?: unknown }).egressHandle = target.handle;
          if (rest.length) client.unshift(rest);
          inProcess.emit('connection', client);
          return;
      }
    };
    client.on('data', onData);
  });
  await rm(socketPath, { force: true });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolveListen());
  });
  return {
    socketPath,
    connects: () => new Map(seen),
    close: async () => {
      for (const s of sockets) s.destroy();
      inProcess.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await rm(socketPath, { force: true });
    },
  };
}
