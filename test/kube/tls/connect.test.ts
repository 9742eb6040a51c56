/**
 * canary's connections against real TLS servers, next to Node's own verification (OpenSSL with the
 * same CA): for every case both accept or both refuse with the same error, and OpenSSL is asked only
 * where the fast check is unsure.
 */
import { createServer, connect, type Server, type TLSSocket } from 'node:tls';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { anchorsOf } from '../../../src/kube/tls/fast-trust.js';
import { trustedConnector, type TlsIdentity } from '../../../src/kube/tls/connect.js';
import { CASES, SPECS } from './cases.js';
import { makeCerts, type Made } from './certs.js';

let certs: Record<string, Made>;
const servers: Server[] = [];
beforeAll(async () => {
  certs = await makeCerts(SPECS);
}, 60_000);
afterAll(() => servers.forEach((s) => s.close()));

async function serve(leaf: string, chain: string[] = []): Promise<number> {
  // SECLEVEL=0: the server may present what a client must refuse (a SHA-1 signature); the client decides.
  const server = createServer({ ciphers: 'DEFAULT@SECLEVEL=0', key: certs[leaf]!.keyPem, cert: [certs[leaf]!.certPem, ...chain.map((c) => certs[c]!.certPem)].join(''), ALPNProtocols: ['h2', 'http/1.1'] }, (s) => s.end());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

type Outcome = { ok: true; alpn: string | false } | { ok: false; code: string };
const settle = (p: Promise<TLSSocket>): Promise<Outcome> =>
  p.then(
    (s) => {
      const alpn = s.alpnProtocol ?? false;
      s.destroy();
      return { ok: true as const, alpn };
    },
    (e: NodeJS.ErrnoException) => ({ ok: false as const, code: e.code ?? e.message }),
  );

/** What Node does without canary's check: OpenSSL verifies against the CA. */
const openssl = (port: number, host: string, ca: string) =>
  settle(
    new Promise((resolve, reject) => {
      const s = connect({ host, port, ca, ...(host === 'localhost' ? { servername: host } : {}), ALPNProtocols: ['h2', 'http/1.1'] });
      s.once('error', reject);
      s.once('secureConnect', () => resolve(s));
    }),
  );

describe('trustedConnector', () => {
  it.each(CASES.map((c) => [`${c.name} (${c.source})`, c] as const))('%s: the same verdict as OpenSSL', async (_, c) => {
    const port = await serve(c.server, c.chain);
    const ca = c.anchors.map((a) => certs[a]!.certPem).join('');
    const unsure: string[] = [];
    const connector = trustedConnector({ ca }, { anchors: anchorsOf(ca), onUnsure: (why) => unsure.push(why) });
    const ours = await settle(connector.connect({ host: c.host, port, ALPNProtocols: ['h2', 'http/1.1'] }));
    expect(ours).toEqual(await openssl(port, c.host, ca));
    if (c.fast === 'trusted') {
      expect(ours).toEqual({ ok: true, alpn: 'h2' });
      expect(unsure).toEqual([]);
    } else {
      expect(unsure).toEqual([expect.stringMatching(c.fast)]);
    }
  });

  it('refuses a server whose certificate another CA issued, with OpenSSL\'s error', async () => {
    const port = await serve('servingByOther');
    const ca = certs.ca!.certPem;
    const out = await settle(trustedConnector({ ca }, { anchors: anchorsOf(ca) }).connect({ host: '127.0.0.1', port }));
    expect(out).toEqual({ ok: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('with insecure-skip-tls-verify connects to anything, as before', async () => {
    const port = await serve('servingByOther');
    const id: TlsIdentity = { rejectUnauthorized: false };
    expect(await settle(trustedConnector(id, { anchors: null }).connect({ host: '127.0.0.1', port }))).toEqual({ ok: true, alpn: false });
  });

  it('without a readable CA leaves every connection to OpenSSL', async () => {
    const port = await serve('serving');
    const ca = certs.ca!.certPem;
    const unsure: string[] = [];
    expect(await settle(trustedConnector({ ca }, { anchors: null, onUnsure: (w) => unsure.push(w) }).connect({ host: '127.0.0.1', port }))).toEqual({ ok: true, alpn: false });
    expect(unsure).toEqual([]);
  });

  it('passes the connection error on (nothing listens)', async () => {
    const ca = certs.ca!.certPem;
    expect(await settle(trustedConnector({ ca }, { anchors: anchorsOf(ca) }).connect({ host: '127.0.0.1', port: 1 }))).toEqual({ ok: false, code: 'ECONNREFUSED' });
  });

  it('checks the certificate against the injected clock', async () => {
    const port = await serve('serving');
    const ca = certs.ca!.certPem;
    const unsure: string[] = [];
    const later = Date.now() + 30 * 24 * 3600 * 1000;
    const out = await settle(trustedConnector({ ca }, { anchors: anchorsOf(ca), now: () => later, onUnsure: (w) => unsure.push(w) }).connect({ host: '127.0.0.1', port }));
    // OpenSSL, on the real clock, accepts it; the fast check at the injected time did not.
    expect(out).toEqual({ ok: true, alpn: false });
    expect(unsure).toEqual([expect.stringMatching(/expired/)]);
  });

  it('trusts a certificate it checked again only while it is valid, and checks any other one in full', async () => {
    const ca = certs.ca!.certPem;
    const good = await serve('serving');
    const other = await serve('servingByOther');
    let at = Date.now();
    const unsure: string[] = [];
    const connector = trustedConnector({ ca }, { anchors: anchorsOf(ca), now: () => at, onUnsure: (w) => unsure.push(w) });
    expect(await settle(connector.connect({ host: '127.0.0.1', port: good }))).toEqual({ ok: true, alpn: false });
    expect(await settle(connector.connect({ host: '127.0.0.1', port: good }))).toEqual({ ok: true, alpn: false });
    expect(unsure).toEqual([]);
    // The same host serving another certificate (another CA's) is checked, and refused by OpenSSL.
    expect(await settle(connector.connect({ host: '127.0.0.1', port: other }))).toEqual({ ok: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(unsure).toEqual([expect.stringMatching(/not issued directly/)]);
    // Past the certificate's notAfter the remembered verdict no longer holds.
    at += 30 * 24 * 3600 * 1000;
    expect(await settle(connector.connect({ host: '127.0.0.1', port: good }))).toEqual({ ok: true, alpn: false });
    expect(unsure).toEqual([expect.stringMatching(/not issued directly/), expect.stringMatching(/expired/)]);
  });

  it('fails a handshake the server never answers with ETIMEDOUT, and closes the socket', async () => {
    const held: Socket[] = [];
    // Accepts and reads, never speaks TLS.
    const silent = createTcpServer((s) => {
      held.push(s);
      s.resume();
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const ca = certs.ca!.certPem;
    try {
      const out = await settle(trustedConnector({ ca }, { anchors: anchorsOf(ca), handshakeTimeoutMs: 50 }).connect({ host: '127.0.0.1', port }));
      expect(out).toEqual({ ok: false, code: 'ETIMEDOUT' });
      await new Promise<void>((r) => (held[0]!.closed ? r() : held[0]!.once('close', () => r())));
    } finally {
      held.forEach((s) => s.destroy());
      silent.close();
    }
  });
});
