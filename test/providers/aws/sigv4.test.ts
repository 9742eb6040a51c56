/**
 * The SigV4 signer against AWS's signing test suite (awslabs/aws-c-auth
 * tests/aws-signing-test-suite/v4, copied in sigv4-suite/): every case's canonical request, string
 * to sign and signature.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign, type SignableRequest } from '../../../src/providers/aws/sigv4.js';

const SUITE = join(process.cwd(), 'test', 'providers', 'aws', 'sigv4-suite');
const cases = readdirSync(SUITE, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

/** request.txt: `METHOD TARGET HTTP/1.1`, `Name:value` lines (indented lines continue a value), a blank line, the body. */
function parseRequest(text: string): SignableRequest {
  const [head, ...rest] = text.split('\n\n');
  const lines = head!.split('\n');
  const [method, target] = /^(\S+) (.*) HTTP\/1\.1$/.exec(lines[0]!)!.slice(1) as [string, string];
  const headers: [string, string][] = [];
  for (const line of lines.slice(1).filter((l) => l !== '')) {
    if (/^\s/.test(line)) headers[headers.length - 1]![1] += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(':');
      headers.push([line.slice(0, colon), line.slice(colon + 1)]);
    }
  }
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? [] : target.slice(q + 1).split('&').filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=');
    const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    return [decodeURIComponent(k), decodeURIComponent(v)] as const;
  });
  return { method, path, query, headers, body: rest.join('\n\n') };
}

describe('SigV4 against AWS\'s signing test suite (awslabs/aws-c-auth tests/aws-signing-test-suite/v4)', () => {
  it('has the suite', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', (name) => {
    const read = (f: string) => readFileSync(join(SUITE, name, f), 'utf8');
    const ctx = JSON.parse(read('context.json')) as Context;
    const signed = sign(parseRequest(read('request.txt')), {
      credentials: { accessKeyId: ctx.credentials.access_key_id, secretAccessKey: ctx.credentials.secret_access_key, ...(ctx.credentials.token ? { sessionToken: ctx.credentials.token } : {}) },
      region: ctx.region,
      service: ctx.service,
      now: Date.parse(ctx.timestamp),
      normalizePath: ctx.normalize,
      signBodyHeader: ctx.sign_body,
      omitSessionToken: ctx.omit_session_token ?? false,
    });
    expect(signed.canonicalRequest).toBe(read('header-canonical-request.txt'));
    expect(signed.stringToSign).toBe(read('header-string-to-sign.txt'));
    expect(signed.signature).toBe(read('header-signature.txt').trim());
    expect(signed.headers['Authorization']).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/${ctx.region}/${ctx.service}/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=${signed.signature}$`));
  });
});
