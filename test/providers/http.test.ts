import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classify, errorText, exchange } from '../../src/providers/http.js';
import { systemClock } from '../../src/util/clock.js';

describe('classify', () => {
  it.each([
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND prometheus.example' }, { kind: 'unreachable', message: 'getaddrinfo ENOTFOUND prometheus.example', tls: false }],
    [{ code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN prometheus.example' }, { kind: 'unreachable', message: 'getaddrinfo EAI_AGAIN prometheus.example', tls: false }],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, { kind: 'unreachable', message: 'socket hang up', tls: false }],
    [{ code: 'ERR_BAD_RESPONSE', message: 'x', cause: { code: 'CERT_HAS_EXPIRED' } }, { kind: 'unreachable', message: 'x', tls: true }],
    [{ code: 'ERR_FR_TOO_MANY_REDIRECTS', message: 'Maximum number of redirects exceeded' }, { kind: 'failed', message: 'Maximum number of redirects exceeded' }],
  ])('%j', (err, outcome) => {
    expect(classify(err)).toEqual(outcome);
  });
});

describe('errorText', () => {
  it('spells out a dual-stack connect failure, whose own message is empty', () => {
    const aggregate = { code: 'ECONNREFUSED', message: '', errors: [{ message: 'connect ECONNREFUSED ::1:9090' }, { message: 'connect ECONNREFUSED 127.0.0.1:9090' }] };
    expect(errorText({ message: '', code: 'ECONNREFUSED', cause: aggregate })).toBe('connect ECONNREFUSED ::1:9090; connect ECONNREFUSED 127.0.0.1:9090');
  });

  it('falls back to the code, then the value', () => {
    expect(errorText({ message: '', code: 'EPIPE' })).toBe('EPIPE');
    expect(errorText('plain')).toBe('plain');
  });
});

describe('exchange: redirects', () => {
  let server: Server;
  let base: string;
  const seen: { url: string; method: string; auth: string | undefined; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', method: req.method ?? '', auth: req.headers.authorization, body });
        const url = new URL(req.url ?? '/', 'http://x');
        const hop = Number(url.searchParams.get('hop') ?? '0');
        if (url.pathname === '/loop') return res.writeHead(302, { Location: `/loop?hop=${hop + 1}` }).end();
        if (url.pathname === '/post') return res.writeHead(302, { Location: '/ok' }).end();
        if (url.pathname === '/keep') return res.writeHead(307, { Location: '/ok' }).end();
        if (url.pathname === '/away') return res.writeHead(301, { Location: `http://localhost:${(server.address() as AddressInfo).port}/ok` }).end();
        if (url.pathname === '/hops' && hop < 3) return res.writeHead(302, { Location: `/hops?hop=${hop + 1}` }).end();
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`ok ${req.method}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (seen.length = 0));

  const get = (path: string, method: 'GET' | 'POST' = 'GET', body?: string) =>
    exchange({ method, url: base + path, headers: { Authorization: 'Bearer t' }, timeoutMs: 5_000, tls: { insecure: false }, maxBodyBytes: 1024, ...(body ? { body } : {}) }, systemClock, new AbortController().signal);

  it('follows up to five redirects, then reports them as a failure', async () => {
    expect(await get('/hops')).toMatchObject({ kind: 'response', status: 200, body: 'ok GET' });
    expect(seen.map((s) => s.url)).toEqual(['/hops', '/hops?hop=1', '/hops?hop=2', '/hops?hop=3']);
    expect(await get('/loop')).toEqual({ kind: 'failed', message: 'Maximum number of redirects exceeded' });
  });

  it('a POST redirected by 302 becomes a GET without body; by 307 it stays a POST', async () => {
    expect(await get('/post', 'POST', 'a=1')).toMatchObject({ status: 200, body: 'ok GET' });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', body: '' });
    expect(await get('/keep', 'POST', 'a=1')).toMatchObject({ status: 200, body: 'ok POST' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: 'a=1' });
  });

  it('does not send credentials to another host', async () => {
    expect(await get('/away')).toMatchObject({ status: 200 });
    expect(seen.map((s) => s.auth)).toEqual(['Bearer t', undefined]);
  });
});
