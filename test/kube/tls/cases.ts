/**
 * Server certificates and the CA a kubeconfig names, with what canary's own check must say. Each
 * case names the rule it exercises: OpenSSL's verification (crypto/x509/x509_vfy.c, v3_purp.c's
 * ssl_server purpose), RFC 5280, or Node's checkServerIdentity. `trusted` is the fast check's
 * answer; anything else it must leave to OpenSSL (`unsure`, matching `why`).
 */
import type { CertSpec } from './certs.js';

const CA = ['basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign', 'subjectKeyIdentifier = hash'];
/** kube-apiserver's serving certificate as kubeadm makes it. */
const SERVING = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment', 'extendedKeyUsage = serverAuth', 'subjectAltName = IP:127.0.0.1,DNS:localhost', 'authorityKeyIdentifier = keyid'];

export const SPECS: Record<string, CertSpec> = {
  ca: { ext: CA },
  otherCa: { ext: CA },
  caRsa: { key: 'rsa2048', ext: CA },
  caEd25519: { key: 'ed25519', ext: CA },
  caNotCa: { ext: ['basicConstraints = critical,CA:FALSE', 'subjectKeyIdentifier = hash'] },
  caNameConstrained: { ext: [...CA, 'nameConstraints = critical,permitted;DNS:example.com'] },
  caClientOnly: { ext: [...CA, 'extendedKeyUsage = clientAuth'] },
  caWeakKey: { key: 'rsa1024', ext: CA },
  intermediate: { ext: [...CA, 'authorityKeyIdentifier = keyid'], issuer: 'ca' },

  serving: { ext: SERVING, issuer: 'ca' },
  servingRsa: { key: 'rsa2048', ext: SERVING, issuer: 'caRsa' },
  servingEd25519: { key: 'ed25519', ext: SERVING, issuer: 'caEd25519' },
  servingMinimal: { ext: ['subjectAltName = IP:127.0.0.1'], issuer: 'ca' },
  servingByOther: { ext: SERVING, issuer: 'otherCa' },
  servingWrongHost: { ext: [...SERVING.filter((l) => !l.startsWith('subjectAltName')), 'subjectAltName = DNS:other.example'], issuer: 'ca' },
  servingClientOnly: { ext: [...SERVING.filter((l) => !l.startsWith('extendedKeyUsage')), 'extendedKeyUsage = clientAuth'], issuer: 'ca' },
  servingAnyEku: { ext: [...SERVING.filter((l) => !l.startsWith('extendedKeyUsage')), 'extendedKeyUsage = anyExtendedKeyUsage'], issuer: 'ca' },
  servingCertSignOnly: { ext: [...SERVING.filter((l) => !l.startsWith('keyUsage')), 'keyUsage = critical,keyCertSign'], issuer: 'ca' },
  servingUnknownCritical: { ext: [...SERVING, '1.2.3.4 = critical,ASN1:UTF8String:unknown'], issuer: 'ca' },
  servingUnknownNonCritical: { ext: [...SERVING, '1.2.3.4 = ASN1:UTF8String:unknown'], issuer: 'ca' },
  servingSha1: { ext: SERVING, issuer: 'ca', digest: 'sha1' },
  servingByNotCa: { ext: SERVING, issuer: 'caNotCa' },
  servingByNameConstrained: { ext: SERVING, issuer: 'caNameConstrained' },
  servingByClientOnlyCa: { ext: SERVING, issuer: 'caClientOnly' },
  servingByWeakCa: { ext: SERVING, issuer: 'caWeakKey' },
  servingByIntermediate: { ext: SERVING, issuer: 'intermediate' },
  selfSigned: { ext: ['basicConstraints = critical,CA:TRUE', 'subjectAltName = IP:127.0.0.1'] },
};

export interface TrustCase {
  name: string;
  /** Which spec the server presents, and the certificates it sends after it. */
  server: string;
  chain?: string[];
  /** The kubeconfig's CA certificates. */
  anchors: string[];
  host: string;
  /** The fast check's answer: trusted, or unsure with a reason matching this. */
  fast: 'trusted' | RegExp;
  source: string;
}

export const CASES: TrustCase[] = [
  { name: 'kubeadm-style serving certificate, EC P-256', server: 'serving', anchors: ['ca'], host: '127.0.0.1', fast: 'trusted', source: 'kubeadm certs: apiserver.crt under ca.crt' },
  { name: 'the same reached by DNS name', server: 'serving', anchors: ['ca'], host: 'localhost', fast: 'trusted', source: 'Node checkServerIdentity: DNS SAN' },
  { name: 'RSA 2048', server: 'servingRsa', anchors: ['caRsa'], host: '127.0.0.1', fast: 'trusted', source: 'OpenSSL security level 1/2: RSA >= 2048 is fine' },
  { name: 'Ed25519', server: 'servingEd25519', anchors: ['caEd25519'], host: '127.0.0.1', fast: 'trusted', source: 'RFC 8410' },
  { name: 'no keyUsage or extendedKeyUsage at all', server: 'servingMinimal', anchors: ['ca'], host: '127.0.0.1', fast: 'trusted', source: 'v3_purp.c: absent usages do not restrict' },
  { name: 'a CA bundle whose second certificate issued it', server: 'serving', anchors: ['otherCa', 'ca'], host: '127.0.0.1', fast: 'trusted', source: 'kubeconfig certificate-authority-data may hold several CAs' },
  { name: 'a non-critical extension canary does not know', server: 'servingUnknownNonCritical', anchors: ['ca'], host: '127.0.0.1', fast: 'trusted', source: 'RFC 5280 4.2: non-critical unknown extensions may be ignored' },
  { name: 'issued by another CA', server: 'servingByOther', anchors: ['ca'], host: '127.0.0.1', fast: /not issued directly/, source: 'x509_vfy.c: unable to get local issuer certificate' },
  { name: 'host not in the SAN', server: 'servingWrongHost', anchors: ['ca'], host: '127.0.0.1', fast: /host: /, source: 'Node checkServerIdentity: ERR_TLS_CERT_ALTNAME_INVALID' },
  { name: 'extendedKeyUsage clientAuth only', server: 'servingClientOnly', anchors: ['ca'], host: '127.0.0.1', fast: /serverAuth/, source: 'v3_purp.c check_purpose_ssl_server: xku_reject' },
  { name: 'anyExtendedKeyUsage', server: 'servingAnyEku', anchors: ['ca'], host: '127.0.0.1', fast: /serverAuth/, source: 'v3_purp.c: anyExtendedKeyUsage is not serverAuth for ssl_server' },
  { name: 'keyUsage keyCertSign only', server: 'servingCertSignOnly', anchors: ['ca'], host: '127.0.0.1', fast: /keyUsage allows no TLS/, source: 'v3_purp.c check_purpose_ssl_server: ku_reject' },
  { name: 'an unknown critical extension', server: 'servingUnknownCritical', anchors: ['ca'], host: '127.0.0.1', fast: /critical extension 1\.2\.3\.4/, source: 'RFC 5280 4.2; x509_vfy.c unhandled critical extension' },
  { name: 'signed with SHA-1', server: 'servingSha1', anchors: ['ca'], host: '127.0.0.1', fast: /signature algorithm 1\.2\.840\.113549\.1\.1\.5|signature algorithm 1\.2\.840\.10045\.4\.1/, source: 'OpenSSL 3 security levels: SHA-1 signatures' },
  { name: 'the CA is not a CA', server: 'servingByNotCa', anchors: ['caNotCa'], host: '127.0.0.1', fast: /not a CA|not issued directly/, source: 'x509_vfy.c check_chain_extensions: invalid CA certificate' },
  { name: 'the CA carries name constraints', server: 'servingByNameConstrained', anchors: ['caNameConstrained'], host: '127.0.0.1', fast: /name constraints/, source: 'RFC 5280 4.2.1.10' },
  { name: 'the CA is limited to clientAuth', server: 'servingByClientOnlyCa', anchors: ['caClientOnly'], host: '127.0.0.1', fast: /CA: extendedKeyUsage/, source: 'v3_purp.c check_purpose_ssl_server with require_ca' },
  { name: 'the CA has an RSA 1024 key', server: 'servingByWeakCa', anchors: ['caWeakKey'], host: '127.0.0.1', fast: /CA: key rsa/, source: 'OpenSSL security level 2: RSA < 2048' },
  { name: 'served through an intermediate CA', server: 'servingByIntermediate', chain: ['intermediate'], anchors: ['ca'], host: '127.0.0.1', fast: /not issued directly/, source: 'x509_vfy.c builds longer chains; canary leaves them to it' },
  { name: 'a self-signed server certificate pinned as the CA', server: 'selfSigned', anchors: ['selfSigned'], host: '127.0.0.1', fast: /itself the CA/, source: 'x509_vfy.c: a trusted self-signed leaf' },
];
