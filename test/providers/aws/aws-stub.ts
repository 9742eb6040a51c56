/**
 * A stub of AWS's Query APIs on 127.0.0.1 (reached through AWS_ENDPOINT_URL, as the SDKs allow):
 * it checks each request's SigV4 signature against the secret it knows (the signer itself is
 * checked against AWS's test suite in sigv4.test.ts), and answers STS and CloudWatch actions in
 * the XML their API references document.
 */
import type http from 'node:http';
import { sign } from '../../../src/providers/aws/sigv4.js';
import type { Recorded } from '../test-server.js';

export const KEY = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** Parsed `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export function authorization(req: Recorded): { accessKeyId: string; date: string; region: string; service: string; signedHeaders: string[]; signature: string } | null {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(req.headers['authorization'] ?? ''));
  if (!m) return null;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(';'), signature: m[6]! };
}

/** Whether the request carries a valid signature made with `secret` (recomputed from what arrived). */
export function validSignature(req: Recorded, secrets: Record<string, string>): boolean {
  const auth = authorization(req);
  if (!auth) return false;
  const secretAccessKey = secrets[auth.accessKeyId];
  if (!secretAccessKey) return false;
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const now = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  const headers = auth.signedHeaders.filter((h) => h !== 'x-amz-date' && h !== 'x-amz-security-token').map((h) => [h, String(req.headers[h] ?? '')] as const);
  const token = req.headers['x-amz-security-token'];
  const again = sign(
    { method: req.method, path: req.path, query: [...req.query], headers, body: req.body },
    { credentials: { accessKeyId: auth.accessKeyId, secretAccessKey, ...(token ? { sessionToken: String(token) } : {}) }, region: auth.region, service: auth.service, now },
  );
  return again.signature === auth.signature;
}

export function xml(res: http.ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/xml');
  res.end(body);
}

/** STS's documented error shape (and CloudWatch's: the same Query protocol). */
export function errorXml(code: string, message: string, ns = 'https://sts.amazonaws.com/doc/2011-06-15/'): string {
  return `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>`;
}

/** AssumeRole / AssumeRoleWithWebIdentity answers, as the STS API Reference's examples show them. */
export function credentialsXml(action: 'AssumeRole' | 'AssumeRoleWithWebIdentity', c: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string }): string {
  return `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <${action}Result>
    <Credentials>
      <SessionToken>${c.sessionToken}</SessionToken>
      <SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>
      <Expiration>${c.expiration}</Expiration>
      <AccessKeyId>${c.accessKeyId}</AccessKeyId>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/canary</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:canary</AssumedRoleId>
    </AssumedRoleUser>
  </${action}Result>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</${action}Response>`;
}

export function form(req: Recorded): URLSearchParams {
  return new URLSearchParams(req.body);
}
