/**
 * TLS connections to the API server, verified before anything is written on them. With a kubeconfig
 * CA, the handshake first runs on a context without OpenSSL's root store (see fast-trust.ts) and the
 * server's certificate is checked here; when that check is unsure, the connection is dropped and made
 * again with OpenSSL verifying against the same CA, as Node always did: its errors, its messages.
 */
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, createSecureContext, type ConnectionOptions, type SecureContext, type TLSSocket } from 'node:tls';
import { fastTrust, type FastTrust } from './fast-trust.js';
import { definedOnly } from '../../util/defined-only.js';

/** The kubeconfig's CA, client certificate and key, insecure-skip-tls-verify (rejectUnauthorized false) and tls-server-name. */
export type TlsIdentity = Pick<ConnectionOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;

export interface Endpoint {
  host: string;
  port: number;
  /** e.g. ['h2', 'http/1.1']. */
  ALPNProtocols?: string[];
}

export interface TrustedConnector {
  /** A connected socket whose server is verified; rejects with the connection's or OpenSSL's error. */
  connect(to: Endpoint): Promise<TLSSocket>;
}

export interface ConnectorOptions {
  /** The kubeconfig's CA certificates (fast-trust.ts anchorsOf); null: OpenSSL verifies every connection. */
  anchors: X509Certificate[] | null;
  now?: () => number;
  /** Told why a connection was verified by OpenSSL after all (CANARY_TRACE). */
  onUnsure?: (why: string) => void;
  /** A TCP connection or TLS handshake not done by then fails with ETIMEDOUT (default 10 s, client-go's TLSHandshakeTimeout). */
  handshakeTimeoutMs?: number;
}

/** One per TLS identity: its contexts are made once, on first use. */
export function trustedConnector(id: TlsIdentity, o: ConnectorOptions): TrustedConnector {
  const { ca, cert, key } = id;
  const verifying = id.rejectUnauthorized !== false;
  const now = o.now ?? Date.now;
  let full: SecureContext | null = null;
  let fast: SecureContext | null = null;
  // `ca: []` gives OpenSSL an empty store of its own: no root certificates are loaded.
  const fastContext = () => (fast ??= createSecureContext(definedOnly({ ca: [], cert, key })));
  const fullContext = () => (full ??= createSecureContext(definedOnly({ ca, cert, key })));
  const servernameFor = (host: string) => id.servername ?? (isIP(host) ? undefined : host);

  const timeoutMs = o.handshakeTimeoutMs ?? 10_000;
  /*
   * No request owns the socket until it is verified, so a request that gives up (its deadline) cannot
   * destroy it: the handshake has its own timeout. It stays ref'd: a connection being made must keep
   * the process alive, or one with nothing else pending would end silently with exit code 0 (a CI run
   * of the real control plane's NGINX e2e saw `canary run` exit 0 without a word).
   */
  const open = (to: Endpoint, secureContext: SecureContext, rejectUnauthorized: boolean): Promise<TLSSocket> =>
    new Promise((resolve, reject) => {
      const socket = connect(definedOnly({ host: to.host, port: to.port, servername: servernameFor(to.host), ALPNProtocols: to.ALPNProtocols, secureContext, rejectUnauthorized }));
      socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error(`TLS handshake with ${to.host}:${to.port} not done within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      const failed = (err: Error) => reject(err);
      socket.once('error', failed);
      socket.once('secureConnect', () => {
        socket.off('error', failed);
        socket.setTimeout(0);
        resolve(socket);
      });
    });

  // The certificates a host served that were checked and trusted: the connections a command opens
  // at once (five for `canary status`) present the same one, and checking it again cost each about
  // a millisecond and a half of CPU (docs/benchmarks.md, issue 15). Bounded by their validity.
  const trusted = new Map<string, { raw: Buffer; from: number; until: number }>();
  const check = (socket: TLSSocket, anchors: readonly X509Certificate[], host: string, at: number): FastTrust => {
    const leaf = socket.getPeerX509Certificate();
    if (!leaf) return { trusted: false, why: 'the server sent no certificate' };
    const known = trusted.get(host);
    if (known && at >= known.from && at <= known.until && known.raw.equals(leaf.raw)) return { trusted: true, from: known.from, until: known.until };
    const verdict = fastTrust(leaf, anchors, host, at);
    if (verdict.trusted) trusted.set(host, { raw: leaf.raw, from: verdict.from, until: verdict.until });
    return verdict;
  };

  return {
    async connect(to) {
      if (!verifying || !o.anchors) return open(to, fullContext(), verifying);
      const socket = await open(to, fastContext(), false);
      // What is checked below is this handshake's certificate: a later one (TLS 1.2 renegotiation,
      // which Kubernetes' Go server never starts) must not replace it unchecked.
      socket.disableRenegotiation();
      const verdict = check(socket, o.anchors, servernameFor(to.host) ?? to.host, now());
      if (verdict.trusted) return socket;
      socket.destroy();
      o.onUnsure?.(verdict.why);
      return open(to, fullContext(), true);
    },
  };
}
