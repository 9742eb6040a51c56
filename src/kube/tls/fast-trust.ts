/**
 * Whether the API server's certificate can be trusted on the kubeconfig's CA alone, without OpenSSL's
 * certificate store. Node 20 builds its store of ~140 public root certificates (about 16 ms of CPU,
 * a fifth of `canary status`) the first time any TLS client context is made, even one given its own
 * `ca`, and canary never needs those roots for a cluster whose kubeconfig names its CA.
 *
 * The check accepts only the case it fully models, which is how clusters are set up (kubeadm, EKS,
 * GKE, AKS, k3s, kind): a serving certificate issued directly by a self-signed CA from the kubeconfig.
 * It is at least as strict as OpenSSL's verification with that CA: signatures, validity of both
 * certificates, CA constraints and key usages as OpenSSL's `ssl_server` purpose checks them, strong
 * algorithms and keys only, no critical extension it does not know, no name constraints, the host
 * name as Node's checkServerIdentity. Anything else is `unsure`, and the caller verifies with OpenSSL
 * as before: this check never rejects a server, it only spares the store where the answer is certain.
 */
import type { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { checkServerIdentity } from 'node:tls';
import { certificateFields, DerError, keyUsageBits, type CertificateFields } from './der.js';

// A class, which the bundle's lazy node:crypto does not offer (scripts/bundle/main.ts); node:tls has
// loaded node:crypto by the time a connection is made, so this costs nothing more.
const X509 = (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).X509Certificate;

/** Trusted: from when to when both certificates are valid (ms since the epoch), which bounds the verdict. */
export type FastTrust = { trusted: true; from: number; until: number } | { trusted: false; why: string };

const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';
const EXT_KEY_USAGE = '2.5.29.37';
const SUBJECT_ALT_NAME = '2.5.29.17';
const NAME_CONSTRAINTS = '2.5.29.30';
const NETSCAPE_CERT_TYPE = '2.16.840.1.113730.1.1';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** Extensions whose meaning is checked here (or, for the SAN, by checkServerIdentity) when critical. */
const UNDERSTOOD = new Set([BASIC_CONSTRAINTS, KEY_USAGE, EXT_KEY_USAGE, SUBJECT_ALT_NAME]);

/** sha256/384/512 with RSA (PKCS#1 v1.5), ECDSA with SHA-256/384/512, Ed25519. */
const STRONG_SIGNATURES = new Set([
  '1.2.840.113549.1.1.11',
  '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13',
  '1.2.840.10045.4.3.2',
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
  '1.3.101.112',
]);
const STRONG_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** keyUsage bits (RFC 5280 4.2.1.3). */
const KU = { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5 } as const;

/** The CA certificates of a kubeconfig's certificate-authority(-data), or null when one cannot be read. */
export function anchorsOf(ca: string | Buffer | (string | Buffer)[] | undefined): X509Certificate[] | null {
  if (ca === undefined) return null;
  const pems = (Array.isArray(ca) ? ca : [ca]).flatMap((c) => String(c).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []);
  if (pems.length === 0) return null;
  try {
    return pems.map((p) => new X509(p));
  } catch {
    return null;
  }
}

/** Whether `leaf`, served for `host`, is trusted by `anchors` at `now`; `unsure` leaves it to OpenSSL. */
export function fastTrust(leaf: X509Certificate, anchors: readonly X509Certificate[], host: string, now: number): FastTrust {
  const unsure = (why: string): FastTrust => ({ trusted: false, why });
  const anchor = anchors.find((a) => issuedBy(leaf, a));
  if (!anchor) return unsure('not issued directly by a CA of the kubeconfig');
  if (anchor.raw.equals(leaf.raw)) return unsure('the server certificate is itself the CA');
  if (!issuedBy(anchor, anchor)) return unsure('the CA is not self-signed');
  if (!anchor.ca) return unsure('the CA certificate is not a CA (basicConstraints)');
  let leafFields: CertificateFields;
  let anchorFields: CertificateFields;
  try {
    leafFields = certificateFields(leaf.raw);
    anchorFields = certificateFields(anchor.raw);
  } catch (err) {
    if (err instanceof DerError) return unsure(`unreadable certificate: ${err.message}`);
    throw err;
  }
  for (const [what, cert, fields] of [['server certificate', leaf, leafFields], ['CA', anchor, anchorFields]] as const) {
    const problem = commonProblem(cert, fields, now);
    if (problem) return unsure(`${what}: ${problem}`);
  }
  // OpenSSL's ssl_server purpose: the leaf may sign or agree keys, and serves TLS if it says what for.
  const leafKu = keyUsage(leafFields);
  if (leafKu && !(leafKu[KU.digitalSignature] || leafKu[KU.keyEncipherment] || leafKu[KU.keyAgreement])) return unsure('server certificate: keyUsage allows no TLS');
  if (!servesTls(leaf, leafFields)) return unsure('server certificate: extendedKeyUsage without serverAuth');
  const anchorKu = keyUsage(anchorFields);
  if (anchorKu && !anchorKu[KU.keyCertSign]) return unsure('CA: keyUsage without keyCertSign');
  if (!servesTls(anchor, anchorFields)) return unsure('CA: extendedKeyUsage without serverAuth');
  const mismatch = checkServerIdentity(host, leaf.toLegacyObject());
  if (mismatch) return unsure(`host: ${mismatch.message}`);
  return { trusted: true, from: Math.max(leafFields.notBefore, anchorFields.notBefore), until: Math.min(leafFields.notAfter, anchorFields.notAfter) };
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function commonProblem(cert: X509Certificate, fields: CertificateFields, now: number): string | null {
  if (now < fields.notBefore) return 'not valid yet';
  if (now > fields.notAfter) return 'expired';
  if (!STRONG_SIGNATURES.has(fields.signatureAlgorithm)) return `signature algorithm ${fields.signatureAlgorithm}`;
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const strongKey =
    key.asymmetricKeyType === 'ed25519' ||
    (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) ||
    (key.asymmetricKeyType === 'ec' && STRONG_CURVES.has(details.namedCurve ?? ''));
  if (!strongKey) return `key ${key.asymmetricKeyType ?? '?'}`;
  for (const e of fields.extensions) {
    if (e.oid === NAME_CONSTRAINTS) return 'name constraints';
    if (e.oid === NETSCAPE_CERT_TYPE) return 'netscape cert type';
    if (e.critical && !UNDERSTOOD.has(e.oid)) return `critical extension ${e.oid}`;
  }
  if (new Set(fields.extensions.map((e) => e.oid)).size !== fields.extensions.length) return 'an extension appears twice';
  return null;
}

function keyUsage(fields: CertificateFields): boolean[] | null {
  const e = fields.extensions.find((x) => x.oid === KEY_USAGE);
  if (!e) return null;
  try {
    return keyUsageBits(e.value);
  } catch {
    return []; // unreadable: no usage, so every check above says unsure
  }
}

/** No extendedKeyUsage, or one that lists serverAuth (OpenSSL refuses anyExtendedKeyUsage here too). */
function servesTls(cert: X509Certificate, fields: CertificateFields): boolean {
  if (!fields.extensions.some((e) => e.oid === EXT_KEY_USAGE)) return true;
  return (cert.keyUsage ?? []).includes(SERVER_AUTH);
}
