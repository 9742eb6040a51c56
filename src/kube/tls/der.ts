/**
 * The few fields of an X.509 certificate (RFC 5280 section 4.1) that canary's own trust check needs
 * and Node 20's X509Certificate does not expose: each extension with its criticality, the key usage
 * bits, the signature algorithm, and the validity period as instants. A reader of DER, not a general
 * ASN.1 parser: anything it does not expect throws, and the caller then leaves the decision to OpenSSL.
 */

export interface CertificateFields {
  /** The outer signatureAlgorithm's OID (dotted). */
  signatureAlgorithm: string;
  notBefore: number;
  notAfter: number;
  extensions: Extension[];
}

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue's content (the DER of the extension's own value). */
  value: Uint8Array;
}

export class DerError extends Error {}

interface Tlv {
  tag: number;
  /** Start and end of the content. */
  start: number;
  end: number;
}

const SEQUENCE = 0x30;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
const BIT_STRING = 0x03;
const OID = 0x06;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
/** [3] EXPLICIT, constructed: the TBSCertificate's extensions. */
const EXTENSIONS = 0xa3;

function tlv(buf: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new DerError('truncated');
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tag');
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('length form');
    if (start + n > limit) throw new DerError('truncated');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > limit) throw new DerError('truncated');
  return { tag, start, end };
}

function expect(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw new DerError(`${what}: tag 0x${t.tag.toString(16)}`);
  return t;
}

/** The elements of a constructed value. */
function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const t = tlv(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

function oid(buf: Uint8Array, t: Tlv): string {
  expect(t, OID, 'OID');
  if (t.end === t.start) throw new DerError('empty OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = buf[i]!;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

function time(buf: Uint8Array, t: Tlv): number {
  const s = String.fromCharCode(...buf.subarray(t.start, t.end));
  let m: RegExpExecArray | null;
  let year: number;
  if (t.tag === UTC_TIME && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    // RFC 5280 4.1.2.5.1: YY >= 50 is 19YY.
    year = Number(m[1]) >= 50 ? 1900 + Number(m[1]) : 2000 + Number(m[1]);
  } else if (t.tag === GENERALIZED_TIME && (m = /^(\d\d\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    year = Number(m[1]);
  } else {
    throw new DerError(`time ${JSON.stringify(s)}`);
  }
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** The fields above, from a certificate's DER; throws DerError on anything unexpected. */
export function certificateFields(der: Uint8Array): CertificateFields {
  const cert = expect(tlv(der, 0, der.length), SEQUENCE, 'Certificate');
  if (cert.end !== der.length) throw new DerError('trailing data');
  const [tbs, sigAlg] = children(der, cert);
  if (!tbs || !sigAlg) throw new DerError('Certificate: too few elements');
  const fields = children(der, expect(tbs, SEQUENCE, 'TBSCertificate'));
  // version [0] is present for v2/v3 certificates; then serial, signature, issuer, validity.
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const validity = fields[base + 3];
  if (!validity) throw new DerError('TBSCertificate: no validity');
  const [nb, na] = children(der, expect(validity, SEQUENCE, 'Validity'));
  if (!nb || !na) throw new DerError('Validity: too few elements');
  const extensions: Extension[] = [];
  const exts = fields.slice(base + 6).find((f) => f.tag === EXTENSIONS);
  if (exts) {
    const [list] = children(der, exts);
    for (const e of children(der, expect(list!, SEQUENCE, 'Extensions'))) {
      const parts = children(der, expect(e, SEQUENCE, 'Extension'));
      const critical = parts.length === 3 && expect(parts[1]!, BOOLEAN, 'critical').end > parts[1]!.start && der[parts[1]!.start] !== 0;
      const value = expect(parts[parts.length - 1]!, OCTET_STRING, 'extnValue');
      extensions.push({ oid: oid(der, parts[0]!), critical, value: der.subarray(value.start, value.end) });
    }
  }
  return {
    signatureAlgorithm: oid(der, children(der, expect(sigAlg, SEQUENCE, 'AlgorithmIdentifier'))[0]!),
    notBefore: time(der, nb),
    notAfter: time(der, na),
    extensions,
  };
}

/** The keyUsage extension's bits (RFC 5280 4.2.1.3), bit 0 (digitalSignature) first. */
export function keyUsageBits(value: Uint8Array): boolean[] {
  const t = expect(tlv(value, 0, value.length), BIT_STRING, 'KeyUsage');
  const unused = value[t.start]!;
  const bytes = value.subarray(t.start + 1, t.end);
  const bits: boolean[] = [];
  for (let i = 0; i < bytes.length * 8 - unused; i++) bits.push(((bytes[i >> 3]! >> (7 - (i & 7))) & 1) === 1);
  return bits;
}
