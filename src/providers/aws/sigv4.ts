/**
 * AWS Signature Version 4 for requests canary sends to AWS (CloudWatch GetMetricData, STS, Amazon
 * Managed Prometheus): the canonical request, the string to sign, the derived signing key and the
 * Authorization header, as AWS's SigV4 documentation specifies them. Pure (the time is an input);
 * checked against AWS's published signing test suite (test/providers/aws/sigv4-suite).
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignableRequest {
  method: string;
  /** The path as sent (already percent-encoded where needed); it is normalized and encoded once more, as the SDKs do for every service but S3. */
  path: string;
  /** Query parameters, decoded; encoded here as SigV4 wants them. */
  query: readonly (readonly [string, string])[];
  /** Headers as sent; `host` must be among them. */
  headers: readonly (readonly [string, string])[];
  body: string | Buffer;
}

export interface SigningParams {
  credentials: AwsCredentials;
  region: string;
  service: string;
  /** Epoch ms. */
  now: number;
  /** false keeps the path as written (S3's rule); default true. */
  normalizePath?: boolean;
  /** Also send and sign `x-amz-content-sha256` (S3, and services that ask for it); default false. */
  signBodyHeader?: boolean;
  /** Add the session token after signing instead of signing it (a few services want this); default false. */
  omitSessionToken?: boolean;
}

export interface Signed {
  /** The headers to add to the request (x-amz-date, the token, authorization...). */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function sign(req: SignableRequest, p: SigningParams): Signed {
  const amzDate = new Date(p.now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(req.body);
  const added: Record<string, string> = { 'X-Amz-Date': amzDate };
  if (p.signBodyHeader) added['X-Amz-Content-Sha256'] = payloadHash;
  if (p.credentials.sessionToken && !p.omitSessionToken) added['X-Amz-Security-Token'] = p.credentials.sessionToken;

  const headers = canonicalHeaders([...req.headers, ...Object.entries(added)]);
  const signedHeaders = [...headers.keys()].join(';');
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(req.path, p.normalizePath ?? true),
    canonicalQuery(req.query),
    [...headers].map(([k, v]) => `${k}:${v}\n`).join(''),
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${p.region}/${p.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = ['aws4_request'].reduce(
    (k, part) => hmac(k, part),
    [day, p.region, p.service].reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${p.credentials.secretAccessKey}`),
  );
  const signature = hmac(key, stringToSign).toString('hex');
  const out: Record<string, string> = { ...added };
  if (p.credentials.sessionToken && p.omitSessionToken) out['X-Amz-Security-Token'] = p.credentials.sessionToken;
  out['Authorization'] = `${ALGORITHM} Credential=${p.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers: out, canonicalRequest, stringToSign, signature };
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (UTF-8, upper-case hex). */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Dot segments resolved and empty segments dropped (unless `normalize` is false), then each segment encoded. */
function canonicalPath(path: string, normalize: boolean): string {
  if (!normalize) return uriEncode(path || '/', true);
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return uriEncode(`/${segments.join('/')}${trailing}`, true);
}

function canonicalQuery(query: SignableRequest['query']): string {
  return query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Lower-case names in order; values trimmed with inner runs of spaces collapsed; repeated names joined with commas. */
function canonicalHeaders(headers: SignableRequest['headers']): Map<string, string> {
  const byName = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase().trim();
    const v = value.replace(/\s+/g, ' ').trim();
    byName.set(key, [...(byName.get(key) ?? []), v]);
  }
  return new Map([...byName.keys()].sort().map((k) => [k, byName.get(k)!.join(',')]));
}
