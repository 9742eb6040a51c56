/** The request never got an HTTP answer: refused, reset, cut, TLS failure, credentials plugin failure. */
export class TransportError extends Error {
  constructor(
    message: string,
    /** ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND, CREDENTIALS, a TLS code... */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}
