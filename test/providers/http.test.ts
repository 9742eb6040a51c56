import { classify, errorText } from '../../src/providers/http.js';

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
