/**
 * One HTTP/2 connection to the API server, as client-go keeps one: every request and watch of a TLS
 * identity multiplexed over it, with client-go's liveness check (kubernetes/kubernetes#87615: a
 * connection that died silently kept watches hanging for ~15 minutes until TCP gave up). After
 * `readIdleMs` without a frame read, a PING goes out; no answer within `pingTimeoutMs` destroys the
 * session, so every stream on it fails with a retryable error and watches are re-established on a
 * new connection.
 */
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type OutgoingHttpHeaders } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { TransportError } from './transport-error.js';

export interface Liveness {
  /** Quiet time (nothing read) after which the connection is pinged; client-go's ReadIdleTimeout. */
  readIdleMs: number;
  /** How long a ping may go unanswered before the connection is presumed dead; client-go's PingTimeout. */
  pingTimeoutMs: number;
}

export const CLIENT_GO_LIVENESS: Liveness = { readIdleMs: 30_000, pingTimeoutMs: 15_000 };

export class H2Connection {
  private readonly session: ClientHttp2Session;
  private open = 0;
  private lastRead = performance.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private draining = false;

  /** `socket`: verified, with `h2` chosen by ALPN. */
  constructor(url: URL, socket: TLSSocket, private readonly liveness: Liveness) {
    this.session = http2.connect(url.origin, { createConnection: () => socket, settings: { enablePush: false } });
    // Errors reach the streams that were open; the session's own are only the cause.
    this.session.on('error', () => undefined);
    this.session.on('goaway', () => (this.draining = true));
    this.session.on('close', () => this.stopTimers());
    this.session.on('ping', () => this.touch());
    this.session.unref();
    this.armIdle();
  }

  /** False once the server said GOAWAY or the session ended: new requests need a new connection. */
  usable(): boolean {
    return !this.draining && !this.session.closed && !this.session.destroyed;
  }

  request(headers: OutgoingHttpHeaders, endStream: boolean): ClientHttp2Stream {
    const stream = this.session.request(headers, { endStream });
    // Holding the process open only while something is asked: a one-shot command exits when done.
    if (this.open++ === 0) this.session.ref();
    stream.on('response', () => this.touch());
    stream.on('data', () => this.touch());
    stream.once('close', () => {
      if (--this.open === 0 && !this.session.destroyed) this.session.unref();
    });
    return stream;
  }

  /** A request gave up without an answer: find out now whether the connection is dead. */
  suspect(): void {
    if (!this.pingTimer && this.usable()) this.ping();
  }

  close(): void {
    this.stopTimers();
    this.session.close();
  }

  private touch(): void {
    this.lastRead = performance.now();
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    const due = Math.max(0, this.lastRead + this.liveness.readIdleMs - performance.now());
    this.idleTimer = setTimeout(() => {
      if (this.session.destroyed) return;
      if (performance.now() - this.lastRead >= this.liveness.readIdleMs) this.ping();
      else this.armIdle();
    }, due);
    this.idleTimer.unref();
  }

  private ping(): void {
    const { pingTimeoutMs } = this.liveness;
    this.pingTimer = setTimeout(() => {
      this.session.destroy(new TransportError(`the API server did not answer a ping within ${pingTimeoutMs / 1000}s: the connection is presumed dead`, 'ECONNRESET'));
    }, pingTimeoutMs);
    this.pingTimer.unref();
    let sent = false;
    try {
      sent = this.session.ping((err) => {
        clearTimeout(this.pingTimer);
        this.pingTimer = undefined;
        if (err) return;
        this.touch();
        this.armIdle();
      });
    } catch {
      // The session ended meanwhile; its streams have already failed.
    }
    if (!sent) {
      clearTimeout(this.pingTimer);
      this.pingTimer = undefined;
    }
  }

  private stopTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.pingTimer);
  }
}
