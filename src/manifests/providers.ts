/** Provider sections of a metric: prometheus and web. Strings may hold {{args.x}} until run time. */
import type { Reader } from './reader.js';
import type { HeaderSpec, JsonValue, OAuth2Spec, PrometheusSpec, WebSpec } from './types.js';

export const PROMETHEUS_DEFAULT_TIMEOUT_MS = 30_000;
export const WEB_DEFAULT_TIMEOUT_MS = 10_000;

export function readPrometheus(r: Reader): PrometheusSpec | null {
  const p = r.object({
    known: ['address', 'query', 'timeout', 'insecure', 'headers', 'authentication', 'rangeQuery'],
  });
  if (!p) return null;
  const query = p.field('query').string({ required: true });
  const address = p.field('address').string();
  if (address !== null && !address.includes('{{')) checkUrl(p.field('address'), address);
  const timeoutSeconds = p.field('timeout').int({ min: 0, intOrString: true });
  const auth = p.field('authentication').object({ known: ['basicAuth', 'oauth2', 'sigv4'] });
  let basicAuth: PrometheusSpec['basicAuth'] = null;
  let oauth2: PrometheusSpec['oauth2'] = null;
  let sigv4: PrometheusSpec['sigv4'] = null;
  if (auth) {
    const s = auth.field('sigv4').object({ known: ['region', 'profile', 'roleArn'] });
    if (s) sigv4 = { region: s.field('region').string() || null, profile: s.field('profile').string() || null, roleArn: s.field('roleArn').string() || null };
    const b = auth.field('basicAuth').object({ known: ['username', 'password'] });
    if (b) {
      const username = b.field('username').string({ required: true });
      const password = b.field('password').string({ required: true });
      if (username !== null && password !== null) basicAuth = { username, password };
    }
    oauth2 = readOAuth2(auth.field('oauth2'));
  }
  let rangeQuery: PrometheusSpec['rangeQuery'] = null;
  const rq = p.field('rangeQuery').object({ known: ['start', 'end', 'step'] });
  if (rq) {
    const start = rq.field('start').string({ required: true });
    const end = rq.field('end').string({ required: true });
    const stepMs = rq.field('step').duration();
    if (!rq.field('step').present) rq.field('step').error('required field is missing', 'key');
    if (start !== null && end !== null && stepMs !== null) rangeQuery = { start, end, stepMs };
  }
  if (query === null) return null;
  return {
    kind: 'prometheus',
    address,
    query,
    timeoutMs: timeoutSeconds === null || timeoutSeconds === 0 ? PROMETHEUS_DEFAULT_TIMEOUT_MS : timeoutSeconds * 1000,
    insecure: p.field('insecure').bool(false),
    headers: readHeaders(p.field('headers')),
    basicAuth,
    oauth2,
    rangeQuery,
    sigv4,
  };
}

export function readWeb(r: Reader): WebSpec | null {
  const w = r.object({
    known: ['url', 'method', 'headers', 'body', 'jsonBody', 'timeoutSeconds', 'jsonPath', 'insecure', 'authentication'],
    unsupported: { urlFrom: 'urlFrom is not supported: pass the URL through an arg with valueFrom.secretKeyRef' },
  });
  if (!w) return null;
  const url = w.field('url').string({ required: true });
  if (url !== null && !url.includes('{{')) checkUrl(w.field('url'), url);
  const methodRaw = w.field('method').string() ?? 'GET';
  const method = methodRaw.toUpperCase();
  if (method !== 'GET' && method !== 'POST' && method !== 'PUT') {
    w.field('method').error(`"${methodRaw}" is not supported: use GET, POST or PUT`);
  }
  const body = w.field('body').string();
  const jsonBody = w.field('jsonBody').present ? (w.field('jsonBody').value as JsonValue) : null;
  if (body !== null && jsonBody !== null) w.error('set body or jsonBody, not both');
  if ((body !== null || jsonBody !== null) && method === 'GET') w.field('method').error('a body needs method POST or PUT', 'key');
  const timeoutSeconds = w.field('timeoutSeconds').int({ min: 1, intOrString: true });
  // Argo's web provider takes authentication.oauth2 only (its sigv4 and basicAuth are Prometheus's).
  const auth = w.field('authentication').object({
    known: ['oauth2'],
    unsupported: {
      sigv4: 'the web provider does not sign requests (Argo\'s neither): use a prometheus metric with authentication.sigv4',
      basicAuth: 'the web provider takes no basicAuth (Argo\'s neither): set an Authorization header in headers',
    },
  });
  const oauth2 = auth ? readOAuth2(auth.field('oauth2')) : null;
  if (url === null || (method !== 'GET' && method !== 'POST' && method !== 'PUT')) return null;
  return {
    kind: 'web',
    url,
    method,
    headers: readHeaders(w.field('headers')),
    body,
    jsonBody,
    timeoutMs: timeoutSeconds === null ? WEB_DEFAULT_TIMEOUT_MS : timeoutSeconds * 1000,
    jsonPath: w.field('jsonPath').string(),
    insecure: w.field('insecure').bool(false),
    oauth2,
  };
}

/** authentication.oauth2 (Argo's OAuth2Config): a client-credentials token sent as `Authorization: Bearer`. */
function readOAuth2(r: Reader): OAuth2Spec | null {
  const o = r.object({ known: ['tokenUrl', 'clientId', 'clientSecret', 'scopes'] });
  if (!o) return null;
  const tokenUrl = o.field('tokenUrl').string({ required: true });
  const clientId = o.field('clientId').string({ required: true });
  const clientSecret = o.field('clientSecret').string({ required: true });
  const scopes = o.field('scopes').list().map((s) => s.string()).filter((s): s is string => s !== null);
  return tokenUrl !== null && clientId !== null && clientSecret !== null ? { tokenUrl, clientId, clientSecret, scopes } : null;
}

export function readHeaders(r: Reader): HeaderSpec[] {
  const out: HeaderSpec[] = [];
  for (const item of r.list()) {
    const h = item.object({ known: ['key', 'value'] });
    if (!h) continue;
    const key = h.field('key').string({ required: true });
    const value = h.field('value').scalarString({ required: true });
    if (key !== null && value !== null) out.push({ key, value });
  }
  return out;
}

export function checkUrl(r: Reader, value: string, example = 'http://prometheus.monitoring.svc:9090'): void {
  let ok = false;
  try {
    const u = new URL(value);
    ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    ok = false;
  }
  if (!ok) r.error(`"${value}" is not an http(s) URL: write it with a scheme and host, e.g. ${example}`);
}
