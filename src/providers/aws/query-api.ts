/**
 * AWS's Query protocol, as CloudWatch (2010-08-01) and STS (2011-06-15) document it: a POST of
 * form-encoded `Action`, `Version` and the operation's parameters (lists as `Name.member.N`), an
 * XML answer, and errors as `<ErrorResponse><Error><Code/><Message/></Error>`. Signed when
 * credentials are given.
 */
import type { Clock } from '../../util/clock.js';
import { call, type Transient } from '../call.js';
import { snippet } from '../http.js';
import { sign, type AwsCredentials } from './sigv4.js';
import { hideCredentials } from '../settings.js';
import { find, parseXml, textAt, type XmlElement } from './xml.js';

export interface QueryCall {
  /** e.g. `CloudWatch https://monitoring.us-east-1.amazonaws.com` */
  label: string;
  endpoint: string;
  action: string;
  version: string;
  params: readonly (readonly [string, string])[];
  /** Sign for `service` in `region`; null sends the request unsigned (AssumeRoleWithWebIdentity). */
  signing: { credentials: AwsCredentials; region: string; service: string } | null;
  timeoutMs: number;
  /** Values sent that a failure message must not quote (a web identity token). */
  secrets?: readonly string[];
}

export type QueryAnswer = { ok: true; xml: XmlElement } | { ok: false; message: string; code: string | null; transient: Transient | null };

/** Every failure quotes the endpoint's answer; the credentials sent are hidden should it quote them back. */
export async function queryApi(q: QueryCall, clock: Clock, signal: AbortSignal): Promise<QueryAnswer> {
  const answer = await ask(q, clock, signal);
  if (answer.ok) return answer;
  const sent = [...(q.secrets ?? []), ...(q.signing ? [q.signing.credentials.secretAccessKey, q.signing.credentials.sessionToken ?? ''] : [])];
  return { ...answer, message: hideCredentials(answer.message, sent) };
}

async function ask(q: QueryCall, clock: Clock, signal: AbortSignal): Promise<QueryAnswer> {
  const url = new URL(q.endpoint);
  const body = new URLSearchParams([['Action', q.action], ['Version', q.version], ...q.params.map(([k, v]): [string, string] => [k, v])]).toString();
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Host: url.host };
  if (q.signing) {
    const signed = sign(
      { method: 'POST', path: url.pathname || '/', query: [...url.searchParams], headers: Object.entries(headers), body },
      { ...q.signing, now: clock.now() },
    );
    Object.assign(headers, signed.headers);
  }
  delete headers['Host'];
  const res = await call(q.label, { method: 'POST', url: url.toString(), body, headers, timeoutMs: q.timeoutMs, tls: { insecure: false } }, clock, signal, {
    tls: 'check the endpoint (AWS_ENDPOINT_URL)',
  });
  if (!res.ok) return { ok: false, message: res.message, code: null, transient: res.transient };
  let xml: XmlElement;
  try {
    xml = parseXml(res.body);
  } catch (err) {
    const status = res.status >= 200 && res.status < 300 ? '' : `${res.status} ${res.statusText}: `;
    return { ok: false, message: `${q.label}: ${q.action} failed: ${status}not the XML AWS answers with (${(err as Error).message}): ${JSON.stringify(snippet(res.body, 120))}`, code: null, transient: res.transient };
  }
  const error = find(xml, 'ErrorResponse', 'Error') ?? find(xml, 'Response', 'Errors', 'Error');
  if (error || res.status < 200 || res.status >= 300) {
    const code = error ? textAt(error, 'Code') : null;
    const message = error ? textAt(error, 'Message') : null;
    const what = [code, message].filter(Boolean).join(': ') || snippet(res.body);
    const transient = res.transient ?? (code === 'Throttling' || code === 'ThrottlingException' ? { afterMs: null } : null);
    return { ok: false, message: `${q.label}: ${q.action} failed: ${res.status} ${what}`, code, transient };
  }
  return { ok: true, xml };
}
