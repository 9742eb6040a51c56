import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import http2, { type Http2SecureServer, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { RequestOptions } from 'node:https';
import { kubeTransport, TransportError, type Transport } from '../../src/kube/transport.js';
import type { KubeCredentials } from '../../src/kube/kubeconfig-data.js';
import { isTransientTransport } from '../../src/kube/retry.js';
import { serverTls, type TlsMaterial } from '../sandbox/api/tls.js';

let tls: TlsMaterial;
beforeAll(async () => {
  const made = await serverTls();
  if (!made) throw new Error('these tests need the openssl CLI to make a test CA');
  tls = made;
});

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface H2Server {
  url: string;
  sessions: ServerHttp2Session[];
  connections: number;
  paths: string[];
  authorizations: (string | undefined)[];
}

/** An HTTP/2 server on 127.0.0.1 answering with `handle`, counting what it saw. */
async function h2Server(handle: (stream: ServerHttp2Stream, path: string) => void): Promise<H2Server> {
  const state: H2Server = { url: '', sessions: [], connections: 0, paths: [], authorizations: [] };
  const server: Http2SecureServer = http2.createSecureServer({ key: tls.keyPem, cert: tls.certPem });
  server.on('secureConnection', () => state.connections++);
  server.on('session', (s: ServerHttp2Session) => state.sessions.push(s));
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    state.paths.push(path);
    state.authorizations.push(headers['authorization'] as string | undefined);
    handle(stream, path);
  });
  return listen(server, state);
}

async function listen<S extends { url: string }>(server: net.Server, state: S): Promise<S> {
  await listenOn(server, 0);
  state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** Listens on 127.0.0.1; after the test, every connection is cut and the server closed. */
async function listenOn(server: net.Server, port: number): Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (c: net.Socket) => sockets.add(c));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const c of sockets) c.destroy();
      }),
  );
}

function json(stream: ServerHttp2Stream, body: unknown = { kind: 'Status' }): void {
  if (stream.destroyed) return;
  stream.respond({ ':status': 200, 'content-type': 'application/json' });
  stream.end(JSON.stringify(body));
}

/** Credentials as a kubeconfig gives them: the test CA, a token, and whatever `extra` sets per request. */
function credentials(server: string, extra: (o: RequestOptions) => void = () => undefined): KubeCredentials {
  return {
    getCurrentCluster: () => ({ server }),
    applyToHTTPSOptions: async (o) => {
      o.ca = Buffer.from(tls.caPem);
      o.headers = { ...o.headers, Authorization: 'Bearer t0' };
      extra(o);
    },
  };
}

const never = (): AbortSignal => new AbortController().signal;
const get = (t: Transport, path: string, signal = never()) => t.send({ method: 'GET', path }, signal);

describe('kubeTransport over HTTP/2', () => {
  it('multiplexes parallel requests on one connection and one session', async () => {
    const srv = await h2Server((s, path) => json(s, { path }));
    const t = kubeTransport(credentials(srv.url));
    const answers = await Promise.all(['/a', '/b', '/c', '/d', '/e'].map((p) => get(t, p)));
    expect(answers.map((a) => [a.status, JSON.parse(a.body).path])).toEqual(['/a', '/b', '/c', '/d', '/e'].map((p) => [200, p]));
    expect(answers[0]!.headers['content-type']).toBe('application/json');
    expect(answers[0]!.headers[':status']).toBeUndefined();
    await get(t, '/f');
    expect(srv.connections).toBe(1);
    expect(srv.sessions).toHaveLength(1);
  });

  it('sends a body with its content type, and the Authorization header on every request', async () => {
    const seen: { method?: string; type?: string; body?: string } = {};
    const server = http2.createSecureServer({ key: tls.keyPem, cert: tls.certPem });
    server.on('stream', (s, h) => {
      seen.method = String(h[':method']);
      seen.type = String(h['content-type']);
      let body = '';
      s.setEncoding('utf8');
      s.on('data', (c: string) => (body += c));
      s.on('end', () => {
        seen.body = body;
        json(s);
      });
    });
    const other = await listen(server, { url: '' });
    const t = kubeTransport(credentials(other.url));
    const res = await t.send({ method: 'PATCH', path: '/x', body: '{"a":1}', contentType: 'application/merge-patch+json' }, never());
    expect(res.status).toBe(200);
    expect(seen).toEqual({ method: 'PATCH', type: 'application/merge-patch+json', body: '{"a":1}' });
  });

  it('falls back to HTTP/1.1 keep-alive against a server that does not choose h2, and does not ask again', async () => {
    let connections = 0;
    const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version: req.httpVersion }));
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', () => connections++);
    const srv = await listen(server, { url: '' });
    const t = kubeTransport(credentials(srv.url));
    for (let i = 0; i < 4; i++) expect(JSON.parse((await get(t, '/v')).body)).toEqual({ version: '1.1' });
    // One connection to learn the server's protocol, one kept alive for the four requests.
    expect(connections).toBe(2);
  });

  it('an abort cancels its own stream; the others on the session complete', async () => {
    const srv = await h2Server((s, path) => {
      if (path === '/slow') return; // never answers
      setTimeout(() => json(s, { path }), 20);
    });
    const t = kubeTransport(credentials(srv.url));
    await get(t, '/warm');
    const ctl = new AbortController();
    const slow = get(t, '/slow', ctl.signal);
    const others = Promise.all([get(t, '/a'), get(t, '/b')]);
    setTimeout(() => ctl.abort(new Error('cancelled by the caller')), 5);
    await expect(slow).rejects.toThrow('cancelled by the caller');
    expect((await others).map((a) => a.status)).toEqual([200, 200]);
    expect(srv.sessions).toHaveLength(1);
  });

  it('a GOAWAY with a request in flight fails it with a retryable error; the next request opens a new session', async () => {
    const srv = await h2Server((s, path) => {
      if (path === '/hang') {
        s.session?.goaway(http2.constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      json(s, { path });
    });
    const t = kubeTransport(credentials(srv.url));
    await get(t, '/first');
    const err = await get(t, '/hang').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(isTransientTransport((err as TransportError).code)).toBe(true);
    expect((await get(t, '/after')).status).toBe(200);
    expect(srv.sessions).toHaveLength(2);
  });

  it('a graceful GOAWAY lets the stream in flight finish; the next request opens a new session', async () => {
    const srv = await h2Server((s, path) => {
      if (path === '/last') {
        s.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, s.id);
        setTimeout(() => json(s, { path }), 20);
        return;
      }
      json(s, { path });
    });
    const t = kubeTransport(credentials(srv.url));
    await get(t, '/first');
    expect(JSON.parse((await get(t, '/last')).body)).toEqual({ path: '/last' });
    expect((await get(t, '/after')).status).toBe(200);
    expect(srv.sessions).toHaveLength(2);
  });

  it('a peer gone silent is found by the ping: the open watch fails with a retryable error', async () => {
    const srv = await h2Server((s) => {
      s.respond({ ':status': 200, 'content-type': 'application/json' });
      s.write('{"type":"ADDED"}\n'); // and then nothing: a watch on a quiet resource
    });
    // A TCP relay that stops forwarding, as a NAT or a dead node does: no FIN, no RST, nothing.
    let forwarding = true;
    const relay = net.createServer((down) => {
      const up = net.connect(Number(new URL(srv.url).port), '127.0.0.1');
      down.on('data', (d) => forwarding && up.write(d));
      up.on('data', (d) => forwarding && down.write(d));
      down.on('error', () => up.destroy());
      up.on('error', () => down.destroy());
      down.on('close', () => up.destroy());
      closers.push(() => void (down.destroy(), up.destroy()));
    });
    const via = await listen(relay, { url: '' });
    const t = kubeTransport(credentials(via.url), { liveness: { readIdleMs: 50, pingTimeoutMs: 50 } });
    const lines: string[] = [];
    const watch = t.stream({ method: 'GET', path: '/watch' }, never(), (line) => {
      lines.push(line);
      forwarding = false;
    });
    const err = await watch.catch((e: unknown) => e);
    expect(lines).toEqual(['{"type":"ADDED"}']);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('ECONNRESET');
    expect((err as Error).message).toMatch(/did not answer a ping/);
  });

  it('a live but quiet connection answers the ping and the watch stays open', async () => {
    const srv = await h2Server((s, path) => {
      if (path !== '/watch') return json(s, { path });
      s.respond({ ':status': 200, 'content-type': 'application/json' });
      s.write('{"type":"ADDED"}\n');
      setTimeout(() => s.end('{"type":"MODIFIED"}\n'), 400);
    });
    const t = kubeTransport(credentials(srv.url), { liveness: { readIdleMs: 20, pingTimeoutMs: 200 } });
    const lines: string[] = [];
    await t.stream({ method: 'GET', path: '/watch' }, never(), (line) => lines.push(line));
    expect(lines).toEqual(['{"type":"ADDED"}', '{"type":"MODIFIED"}']);
    expect(srv.sessions).toHaveLength(1);
  });

  it('an answer over the size limit is refused, and the session serves the next request', async () => {
    const big = Buffer.alloc(33 * 1024 * 1024, 0x20);
    const srv = await h2Server((s, path) => {
      if (path !== '/big') return json(s, { path });
      s.respond({ ':status': 200 });
      s.on('error', () => undefined);
      s.end(big);
    });
    const t = kubeTransport(credentials(srv.url));
    const err = await get(t, '/big').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('EMSGSIZE');
    expect((await get(t, '/small')).status).toBe(200);
    expect(srv.sessions).toHaveLength(1);
  });

  it('a rotated token rides the same session; a rotated client certificate gets a new one', async () => {
    const srv = await h2Server((s) => json(s));
    let token = 'a';
    let cert: { cert: Buffer; key: Buffer } | undefined;
    const t = kubeTransport(
      credentials(srv.url, (o) => {
        o.headers = { ...o.headers, Authorization: `Bearer ${token}` };
        if (cert) Object.assign(o, cert);
      }),
    );
    await get(t, '/1');
    token = 'b';
    await get(t, '/2');
    expect(srv.authorizations).toEqual(['Bearer a', 'Bearer b']);
    expect(srv.sessions).toHaveLength(1);
    cert = { cert: Buffer.from(tls.certPem), key: Buffer.from(tls.keyPem) };
    await get(t, '/3');
    await get(t, '/4');
    expect(srv.sessions).toHaveLength(2);
  });

  it('a refused connection is ECONNREFUSED, and the next request tries again', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const t = kubeTransport(credentials(`https://127.0.0.1:${port}`));
    const err = await get(t, '/x').catch((e: unknown) => e);
    expect((err as TransportError).code).toBe('ECONNREFUSED');
    const server = http2.createSecureServer({ key: tls.keyPem, cert: tls.certPem });
    server.on('stream', (s) => json(s));
    await listenOn(server, port);
    expect((await get(t, '/x')).status).toBe(200);
  });

  it('a server certificate the CA did not sign fails with the TLS code', async () => {
    const srv = await h2Server((s) => json(s));
    const t = kubeTransport({
      getCurrentCluster: () => ({ server: srv.url }),
      applyToHTTPSOptions: async () => undefined,
    });
    const err = await get(t, '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toMatch(/CERT|SIGNATURE|ISSUER/);
  });
});
