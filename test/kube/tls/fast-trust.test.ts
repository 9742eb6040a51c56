import { X509Certificate } from 'node:crypto';
import { anchorsOf, fastTrust } from '../../../src/kube/tls/fast-trust.js';
import { certificateFields, DerError, keyUsageBits } from '../../../src/kube/tls/der.js';
import { CASES, SPECS } from './cases.js';
import { makeCerts, type Made } from './certs.js';

let certs: Record<string, Made>;
beforeAll(async () => {
  certs = await makeCerts(SPECS);
}, 60_000);

const x509 = (name: string) => new X509Certificate(certs[name]!.certPem);

describe('fastTrust', () => {
  it.each(CASES.map((c) => [`${c.name} (${c.source})`, c] as const))('%s', (_, c) => {
    const verdict = fastTrust(x509(c.server), c.anchors.map(x509), c.host, Date.now());
    if (c.fast === 'trusted') expect(verdict).toEqual({ trusted: true, from: expect.any(Number), until: expect.any(Number) });
    else expect(verdict).toEqual({ trusted: false, why: expect.stringMatching(c.fast) });
  });

  it('leaves an expired or not yet valid certificate to OpenSSL (x509_vfy.c check_cert_time)', () => {
    const leaf = x509('serving');
    const { notBefore, notAfter } = certificateFields(leaf.raw);
    expect(fastTrust(leaf, [x509('ca')], '127.0.0.1', notAfter + 1000)).toEqual({ trusted: false, why: expect.stringMatching(/expired/) });
    expect(fastTrust(leaf, [x509('ca')], '127.0.0.1', notBefore - 1000)).toEqual({ trusted: false, why: expect.stringMatching(/not valid yet/) });
    // Trusted for as long as both certificates are valid: the CA's validity bounds it too.
    const ca = certificateFields(x509('ca').raw);
    expect(fastTrust(leaf, [x509('ca')], '127.0.0.1', notBefore + 1000)).toEqual({ trusted: true, from: Math.max(notBefore, ca.notBefore), until: Math.min(notAfter, ca.notAfter) });
  });
});

describe('anchorsOf', () => {
  it('reads every certificate of a PEM bundle, and nothing from what is not one', () => {
    expect(anchorsOf(certs.ca!.certPem + certs.otherCa!.certPem)?.map((c) => c.subject)).toEqual(['CN=ca', 'CN=otherCa']);
    expect(anchorsOf(Buffer.from(certs.ca!.certPem))?.length).toBe(1);
    expect(anchorsOf(undefined)).toBeNull();
    expect(anchorsOf('not a certificate')).toBeNull();
    expect(anchorsOf('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toBeNull();
  });
});

describe('certificateFields', () => {
  it('reads the extensions with their criticality, the signature algorithm and the validity (RFC 5280 4.1)', () => {
    const f = certificateFields(x509('serving').raw);
    expect(f.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
    expect(f.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ['2.5.29.19', true],
      ['2.5.29.15', true],
      ['2.5.29.37', false],
      ['2.5.29.17', false],
      ['2.5.29.35', false],
      ['2.5.29.14', false], // openssl req adds a subjectKeyIdentifier
    ]);
    const leaf = x509('serving');
    expect(f.notBefore).toBe(Date.parse(leaf.validFrom));
    expect(f.notAfter).toBe(Date.parse(leaf.validTo));
    expect(certificateFields(x509('servingRsa').raw).signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    expect(certificateFields(x509('servingEd25519').raw).signatureAlgorithm).toBe('1.3.101.112');
  });

  it('throws DerError on truncated or trailing data', () => {
    const raw = x509('serving').raw;
    expect(() => certificateFields(raw.subarray(0, raw.length - 1))).toThrow(DerError);
    expect(() => certificateFields(Buffer.concat([raw, Buffer.from([0])]))).toThrow(DerError);
    expect(() => certificateFields(Buffer.from([0x30]))).toThrow(DerError);
  });

  it('decodes keyUsage bits, digitalSignature first (RFC 5280 4.2.1.3)', () => {
    // digitalSignature + keyEncipherment: 0xa0 with 5 unused bits.
    expect(keyUsageBits(Uint8Array.from([0x03, 0x02, 0x05, 0xa0]))).toEqual([true, false, true]);
    // keyCertSign + cRLSign: 0x06 with 1 unused bit.
    expect(keyUsageBits(Uint8Array.from([0x03, 0x02, 0x01, 0x06])).map((b, i) => (b ? i : -1)).filter((i) => i >= 0)).toEqual([5, 6]);
    expect(() => keyUsageBits(Uint8Array.from([0x04, 0x01, 0x00]))).toThrow(DerError);
  });
});
