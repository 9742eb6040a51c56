import { createRedactor, noRedaction, REDACTED } from '../../src/util/redact.js';

describe('createRedactor', () => {
  it('replaces every occurrence of each secret in a string', () => {
    const r = createRedactor(['hunter2', 'tok-123']);
    expect(r.text('user:hunter2 token=tok-123 again hunter2')).toBe(`user:${REDACTED} token=${REDACTED} again ${REDACTED}`);
  });

  it('replaces a secret containing another one whole', () => {
    const r = createRedactor(['abc', 'xabcx']);
    expect(r.text('[xabcx]')).toBe(`[${REDACTED}]`);
  });

  it('treats secrets literally, not as patterns', () => {
    const r = createRedactor(['a.c', '$(x)']);
    expect(r.text('abc a.c $(x)')).toBe(`abc ${REDACTED} ${REDACTED}`);
  });

  it('catches the JSON-escaped and URL-encoded forms of a secret', () => {
    const secret = 'p"a ss/\\w&d';
    const r = createRedactor([secret]);
    expect(r.text(JSON.stringify({ password: secret }))).toBe(`{"password":"${REDACTED}"}`);
    expect(r.text(`http://x/?q=${encodeURIComponent(secret)}`)).toBe(`http://x/?q=${REDACTED}`);
    expect(r.text(`q=${new URLSearchParams({ a: secret }).toString().slice(2)}`)).toBe(`q=${REDACTED}`);
  });

  it('ignores empty secrets instead of redacting between every character', () => {
    const r = createRedactor(['']);
    expect(r.text('abc')).toBe('abc');
  });

  it('redacts deeply in JSON values, keys included, without touching the input', () => {
    const r = createRedactor(['s3cr3t']);
    const input = { message: 'auth s3cr3t failed', list: ['s3cr3t', 1, null, true], nested: { s3cr3t: { q: 'x s3cr3t' } } };
    const frozen = JSON.parse(JSON.stringify(input));
    const out = r.json(input);
    expect(out).toEqual({
      message: `auth ${REDACTED} failed`,
      list: [REDACTED, 1, null, true],
      nested: { [REDACTED]: { q: `x ${REDACTED}` } },
    });
    expect(input).toEqual(frozen);
    expect(JSON.stringify(out)).not.toContain('s3cr3t');
  });

  it('noRedaction returns its input', () => {
    const v = { a: 'b' };
    expect(noRedaction.json(v)).toBe(v);
    expect(noRedaction.text('x')).toBe('x');
  });
});
