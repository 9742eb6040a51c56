/**
 * Requests whose answers the sandbox must give exactly as kube-apiserver does. Every expectation
 * was read from kube-apiserver v1.37.2 (test/cluster, `npm run test:k8s`), where the same table runs
 * against the real server (test/e2e/k8s/api-parity.test.ts); parity.test.ts runs it against the
 * sandbox in `npm test`. A case that fails on one side only is a difference to fix in the sandbox
 * (test/sandbox/README.md, "Differences found against the real API server").
 *
 * The world they assume: namespaces `apps` and `monitoring`, the seed's Services in `apps`
 * (myapp:80 with no ready pod), linkerd-smi's TrafficSplit and Gateway API's HTTPRoute installed,
 * and a client with every permission.
 */

export interface ParityRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  contentType?: string;
  expect: {
    status: number;
    /** A subset the JSON body must match (jest toMatchObject). */
    body?: Record<string, unknown>;
    /** Keys that must be absent from the body's object at this dotted path (e.g. `spec`: ['replicas']). */
    absent?: Record<string, string[]>;
    /** The Warning headers, in order (`299 - "..."` each). */
    warnings?: string[];
  };
}

export interface ParityCase {
  name: string;
  requests: ParityRequest[];
}

const json = 'application/json';
const merge = 'application/merge-patch+json';
const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });
const lease = (name: string, renewTime: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: 'parity', renewTime, leaseDurationSeconds: 15 } });
const microTimeError = (given: string, rest: string) =>
  `Lease in version "v1" cannot be handled as a Lease: parsing time "${given}" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "${rest}" as ".000000"`;
const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { parity: name } }, template: { metadata: { labels: { parity: name } }, spec: { containers: [{ name: 'c', image: 'example/parity:1' }] } } },
});

export const PARITY_CASES: ParityCase[] = [
  {
    name: 'reads and writes in a namespace that does not exist: 404 naming the namespace on create',
    requests: [
      { method: 'GET', path: '/api/v1/namespaces/parity-nope/configmaps/x', expect: { status: 404, body: { reason: 'NotFound', message: 'configmaps "x" not found', details: { name: 'x', kind: 'configmaps' } } } },
      { method: 'POST', path: '/api/v1/namespaces/parity-nope/configmaps', body: cm('a'), expect: { status: 404, body: { reason: 'NotFound', message: 'namespaces "parity-nope" not found', details: { name: 'parity-nope', kind: 'namespaces' } } } },
    ],
  },
  {
    name: 'create twice: 409 AlreadyExists; replace with a stale resourceVersion: 409 Conflict; delete: Status Success, then 404',
    requests: [
      { method: 'POST', path: '/api/v1/namespaces/apps/configmaps', body: cm('parity-dup'), expect: { status: 201, body: { metadata: { name: 'parity-dup' } } } },
      { method: 'POST', path: '/api/v1/namespaces/apps/configmaps', body: cm('parity-dup'), expect: { status: 409, body: { reason: 'AlreadyExists', message: 'configmaps "parity-dup" already exists' } } },
      {
        method: 'PUT',
        path: '/api/v1/namespaces/apps/configmaps/parity-dup',
        body: { ...cm('parity-dup', { data: { a: 'b' } }), metadata: { name: 'parity-dup', resourceVersion: '1' } },
        expect: { status: 409, body: { reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "parity-dup": the object has been modified; please apply your changes to the latest version and try again' } },
      },
      { method: 'PATCH', path: '/api/v1/namespaces/apps/configmaps/parity-dup', body: [{ op: 'test', path: '/metadata/name', value: 'zzz' }], contentType: 'application/json-patch+json', expect: { status: 422, body: { reason: 'Invalid', message: 'the server rejected our request due to an error in our request' } } },
      { method: 'DELETE', path: '/api/v1/namespaces/apps/configmaps/parity-dup', expect: { status: 200, body: { kind: 'Status', status: 'Success', details: { name: 'parity-dup', kind: 'configmaps' } } } },
      { method: 'DELETE', path: '/api/v1/namespaces/apps/configmaps/parity-dup', expect: { status: 404, body: { reason: 'NotFound' } } },
    ],
  },
  {
    name: 'strategic merge patch of a custom resource: 415',
    requests: [
      {
        method: 'POST',
        path: '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits',
        body: { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name: 'parity-ts' }, spec: { service: 'myapp', backends: [{ service: 'myapp-stable', weight: 1 }] } },
        expect: { status: 201 },
      },
      { method: 'PATCH', path: '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits/parity-ts', body: { spec: { service: 'x' } }, contentType: 'application/strategic-merge-patch+json', expect: { status: 415, body: { reason: 'UnsupportedMediaType' } } },
    ],
  },
  {
    name: 'Lease times are MicroTime: exactly six fractional digits, anything else is 400 before validation',
    requests: [
      { method: 'POST', path: '/apis/coordination.k8s.io/v1/namespaces/apps/leases', body: lease('parity-l1', '2026-12-03T22:25:50.974Z'), expect: { status: 400, body: { reason: 'BadRequest', message: microTimeError('2026-12-03T22:25:50.974Z', '.974Z') } } },
      { method: 'POST', path: '/apis/coordination.k8s.io/v1/namespaces/apps/leases', body: lease('parity-l2', '2026-12-03T22:25:50Z'), expect: { status: 400, body: { reason: 'BadRequest', message: microTimeError('2026-12-03T22:25:50Z', 'Z') } } },
      { method: 'POST', path: '/apis/coordination.k8s.io/v1/namespaces/apps/leases', body: lease('parity-l3', '2026-12-03T22:25:50.974000Z'), expect: { status: 201, body: { spec: { renewTime: '2026-12-03T22:25:50.974000Z' } } } },
    ],
  },
  {
    name: 'Deployment defaults; a label edit keeps the generation, a spec edit bumps it; the Scale of 0 replicas has an empty spec',
    requests: [
      {
        method: 'POST',
        path: '/apis/apps/v1/namespaces/apps/deployments',
        body: deployment('parity-d1'),
        expect: {
          status: 201,
          body: {
            metadata: { generation: 1 },
            spec: {
              replicas: 1,
              revisionHistoryLimit: 10,
              progressDeadlineSeconds: 600,
              strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
              template: { spec: { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', securityContext: {}, schedulerName: 'default-scheduler', containers: [{ name: 'c', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent', resources: {} }] } },
            },
          },
        },
      },
      { method: 'PATCH', path: '/apis/apps/v1/namespaces/apps/deployments/parity-d1', body: { metadata: { labels: { x: 'y' } } }, contentType: merge, expect: { status: 200, body: { metadata: { generation: 1 } } } },
      { method: 'PATCH', path: '/apis/apps/v1/namespaces/apps/deployments/parity-d1', body: { spec: { replicas: 3 } }, contentType: merge, expect: { status: 200, body: { metadata: { generation: 2 }, spec: { replicas: 3 } } } },
      { method: 'PATCH', path: '/apis/apps/v1/namespaces/apps/deployments/parity-d1/scale', body: { spec: { replicas: 0 } }, contentType: merge, expect: { status: 200, body: { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: {}, status: { selector: 'parity=parity-d1' } }, absent: { spec: ['replicas'] } } },
      { method: 'DELETE', path: '/apis/apps/v1/namespaces/apps/deployments/parity-d1', expect: { status: 200, body: { kind: 'Status', status: 'Success' } } },
    ],
  },
  {
    name: 'Service defaults',
    requests: [
      {
        method: 'POST',
        path: '/api/v1/namespaces/apps/services',
        body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'parity-s1' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } },
        expect: { status: 201, body: { spec: { type: 'ClusterIP', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } } },
      },
    ],
  },
  {
    name: 'a core/v1 Event reads back with empty reporting fields and a null eventTime',
    requests: [
      {
        method: 'POST',
        path: '/api/v1/namespaces/apps/events',
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'parity-e1' },
          involvedObject: { kind: 'Deployment', name: 'myapp-stable', namespace: 'apps', apiVersion: 'apps/v1' },
          reason: 'Parity',
          message: 'm',
          type: 'Normal',
          source: { component: 'canary' },
          firstTimestamp: '2026-12-03T22:25:50Z',
          lastTimestamp: '2026-12-03T22:25:50Z',
          count: 1,
        },
        expect: { status: 201, body: { reportingComponent: '', reportingInstance: '', eventTime: null, source: { component: 'canary' } } },
      },
    ],
  },
  {
    name: 'service proxy: unknown Service 404, unknown port 503, no ready endpoint 503, all as Status',
    requests: [
      { method: 'GET', path: '/api/v1/namespaces/apps/services/parity-nope:80/proxy/', expect: { status: 404, body: { kind: 'Status', reason: 'NotFound', message: 'services "parity-nope" not found' } } },
      { method: 'GET', path: '/api/v1/namespaces/apps/services/myapp:81/proxy/', expect: { status: 503, body: { kind: 'Status', reason: 'ServiceUnavailable', message: 'no service port 81 found for service "myapp"' } } },
      { method: 'GET', path: '/api/v1/namespaces/apps/services/myapp:80/proxy/get', expect: { status: 503, body: { kind: 'Status', reason: 'ServiceUnavailable', message: 'no endpoints available for service "myapp"', code: 503 } } },
    ],
  },
];

const route = (name: string, rules: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name },
  spec: { parentRefs: [{ group: 'core', kind: 'Service', name: 'myapp', port: 80 }], rules, ...extra },
});
const split = (version: string, name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ apiVersion: `split.smi-spec.io/${version}`, kind: 'TrafficSplit', metadata: { name }, spec, ...extra });
const cause = (reason: string, field: string, message: string) => ({ reason, field, message });

PARITY_CASES.push(
  {
    name: 'HTTPRoute: the CRD\'s defaults are filled in (backendRef group, kind, weight; the rule\'s match)',
    requests: [
      {
        method: 'POST',
        path: '/apis/gateway.networking.k8s.io/v1/namespaces/apps/httproutes',
        body: route('parity-r1', [{ backendRefs: [{ name: 'myapp-stable', port: 80 }] }]),
        expect: { status: 201, body: { spec: { rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'myapp-stable', port: 80, weight: 1 }], matches: [{ path: { type: 'PathPrefix', value: '/' } }] }] } } },
      },
    ],
  },
  {
    name: 'HTTPRoute: schema violations are 422 with one cause each (bounds, enum, required, minLength, maxItems, type)',
    requests: [
      {
        method: 'POST',
        path: '/apis/gateway.networking.k8s.io/v1/namespaces/apps/httproutes',
        body: route('parity-r2', [{ matches: [{ path: { type: 'Glob', value: '/' } }], backendRefs: [{ name: 'myapp-stable', port: 80, weight: -1 }, { port: 80 }, { name: 'myapp-canary', port: 80, weight: '10' }] }]),
        expect: {
          status: 422,
          body: {
            reason: 'Invalid',
            details: {
              name: 'parity-r2',
              group: 'gateway.networking.k8s.io',
              kind: 'HTTPRoute',
              causes: expect.arrayContaining([
                cause('FieldValueInvalid', 'spec.rules[0].backendRefs[0].weight', 'Invalid value: -1: spec.rules[0].backendRefs[0].weight in body should be greater than or equal to 0'),
                cause('FieldValueRequired', 'spec.rules[0].backendRefs[1].name', 'Required value'),
                cause('FieldValueTypeInvalid', 'spec.rules[0].backendRefs[2].weight', 'Invalid value: "string": spec.rules[0].backendRefs[2].weight in body must be of type integer: "string"'),
                cause('FieldValueNotSupported', 'spec.rules[0].matches[0].path.type', 'Unsupported value: "Glob": supported values: "Exact", "PathPrefix", "RegularExpression"'),
              ]),
            },
          },
        },
      },
      {
        method: 'POST',
        path: '/apis/gateway.networking.k8s.io/v1/namespaces/apps/httproutes',
        body: route('parity-r3', [{ backendRefs: Array.from({ length: 17 }, () => ({ name: 'myapp-stable', port: 80 })) }]),
        expect: { status: 422, body: { details: { causes: expect.arrayContaining([cause('FieldValueTooMany', 'spec.rules[0].backendRefs', 'Too many: 17: must have at most 16 items')]) } } },
      },
    ],
  },
  {
    name: 'TrafficSplit: v1alpha2 weights are numbers, v1alpha1 integers or strings, backends required',
    requests: [
      {
        method: 'POST',
        path: '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits',
        body: split('v1alpha2', 'parity-ts2', { service: 'myapp', backends: [{ service: 'myapp-stable', weight: '500m' }] }),
        expect: { status: 422, body: { message: 'TrafficSplit.split.smi-spec.io "parity-ts2" is invalid: spec.backends[0].weight: Invalid value: "string": spec.backends[0].weight in body must be of type number: "string"' } },
      },
      {
        method: 'POST',
        path: '/apis/split.smi-spec.io/v1alpha1/namespaces/apps/trafficsplits',
        body: split('v1alpha1', 'parity-ts3', { service: 'myapp', backends: [{ service: 'myapp-stable', weight: true }] }),
        expect: { status: 422, body: { message: 'TrafficSplit.split.smi-spec.io "parity-ts3" is invalid: spec.backends[0].weight: Invalid value: "boolean": spec.backends[0].weight in body must be of type integer,string: "boolean"' } },
      },
      {
        method: 'POST',
        path: '/apis/split.smi-spec.io/v1alpha1/namespaces/apps/trafficsplits',
        body: split('v1alpha1', 'parity-ts4', { service: 'myapp' }),
        expect: { status: 422, body: { message: 'TrafficSplit.split.smi-spec.io "parity-ts4" is invalid: spec.backends: Required value', details: { causes: [cause('FieldValueRequired', 'spec.backends', 'Required value')] } } },
      },
      {
        method: 'POST',
        path: '/apis/split.smi-spec.io/v1alpha1/namespaces/apps/trafficsplits',
        body: split('v1alpha1', 'parity-ts5', { service: 'myapp', backends: [{ service: 'myapp-stable', weight: '500m' }, { service: 'myapp-canary', weight: 500 }] }),
        expect: { status: 201, body: { spec: { backends: [{ weight: '500m' }, { weight: 500 }] } } },
      },
    ],
  },
  {
    name: 'unknown fields of a custom resource: pruned with one Warning each (sorted); fieldValidation=Strict refuses them',
    requests: [
      {
        method: 'POST',
        path: '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits',
        body: split('v1alpha2', 'parity-u1', { service: 'myapp', extra: true, backends: [{ service: 'myapp-stable', weight: 1, x: 2 }] }, { bogus: 1 }),
        expect: {
          status: 201,
          body: { spec: { service: 'myapp', backends: [{ service: 'myapp-stable', weight: 1 }] } },
          absent: { '': ['bogus'], spec: ['extra'] },
          warnings: ['299 - "unknown field \\"bogus\\""', '299 - "unknown field \\"spec.backends[0].x\\""', '299 - "unknown field \\"spec.extra\\""'],
        },
      },
      {
        method: 'POST',
        path: '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits?fieldValidation=Strict',
        body: split('v1alpha2', 'parity-u2', { service: 'myapp', extra: true, backends: [{ service: 'myapp-stable', weight: 1 }] }),
        expect: { status: 400, body: { reason: 'BadRequest', message: 'TrafficSplit in version "v1alpha2" cannot be handled as a TrafficSplit: strict decoding error: unknown field "spec.extra"' } },
      },
    ],
  },
);

PARITY_CASES.push(
  {
    name: 'a replace without resourceVersion: fine for a ConfigMap, 422 for a Lease and a custom resource (naming the resource)',
    requests: [
      { method: 'POST', path: '/api/v1/namespaces/apps/configmaps', body: cm('parity-c1'), expect: { status: 201 } },
      { method: 'PUT', path: '/api/v1/namespaces/apps/configmaps/parity-c1', body: cm('parity-c1', { data: { a: 'b' } }), expect: { status: 200, body: { data: { a: 'b' } } } },
      { method: 'POST', path: '/apis/coordination.k8s.io/v1/namespaces/apps/leases', body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'parity-l9' }, spec: { holderIdentity: 'a' } }, expect: { status: 201 } },
      {
        method: 'PUT',
        path: '/apis/coordination.k8s.io/v1/namespaces/apps/leases/parity-l9',
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'parity-l9' }, spec: { holderIdentity: 'b' } },
        expect: {
          status: 422,
          body: {
            reason: 'Invalid',
            message: 'leases.coordination.k8s.io "parity-l9" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update',
            details: { name: 'parity-l9', group: 'coordination.k8s.io', kind: 'leases', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be specified for an update', field: 'metadata.resourceVersion' }] },
          },
        },
      },
      { method: 'POST', path: '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits', body: split('v1alpha2', 'parity-ts9', { service: 'myapp', backends: [{ service: 'myapp-stable', weight: 1 }] }), expect: { status: 201 } },
      {
        method: 'PUT',
        path: '/apis/split.smi-spec.io/v1alpha2/namespaces/apps/trafficsplits/parity-ts9',
        body: split('v1alpha2', 'parity-ts9', { service: 'myapp', backends: [{ service: 'myapp-stable', weight: 2 }] }),
        expect: { status: 422, body: { message: 'trafficsplits.split.smi-spec.io "parity-ts9" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update' } },
      },
    ],
  },
  {
    name: 'what the JSON decoder refuses (400): a number in ConfigMap data or in labels, bad base64 in binaryData',
    requests: [
      { method: 'POST', path: '/api/v1/namespaces/apps/configmaps', body: cm('parity-n1', { data: { a: 1 } }), expect: { status: 400, body: { reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string' } } },
      { method: 'POST', path: '/api/v1/namespaces/apps/configmaps', body: { ...cm('parity-n2'), metadata: { name: 'parity-n2', labels: { a: 1 } } }, expect: { status: 400, body: { message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string' } } },
      { method: 'POST', path: '/api/v1/namespaces/apps/configmaps', body: cm('parity-n3', { binaryData: { a: '!!' } }), expect: { status: 400, body: { message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 0' } } },
    ],
  },
  {
    name: 'a Deployment whose selector does not match its template: 422, the labels printed as JSON',
    requests: [
      {
        method: 'POST',
        path: '/apis/apps/v1/namespaces/apps/deployments',
        body: { ...deployment('parity-dm'), spec: { ...deployment('parity-dm').spec, selector: { matchLabels: { a: 'b' } } } },
        expect: { status: 422, body: { message: 'Deployment.apps "parity-dm" is invalid: spec.template.metadata.labels: Invalid value: {"parity":"parity-dm"}: `selector` does not match template `labels`' } },
      },
    ],
  },
);

/** The content type of a request (JSON unless the case says otherwise). */
export function contentTypeOf(r: ParityRequest): string {
  return r.contentType ?? json;
}

export type Send = (method: string, path: string, body: string | undefined, contentType: string) => Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>;

/** Node joins repeated headers with ", "; the warnings themselves contain none outside quotes. */
function warningsOf(headers: Record<string, string | string[] | undefined>): string[] {
  const raw = headers['warning'];
  const text = Array.isArray(raw) ? raw.join(', ') : raw ?? '';
  return text ? text.split(/, (?=299 - )/) : [];
}

/** Runs one case's requests in order and checks each answer (jest expect; a failure names the request). */
export async function checkParity(send: Send, c: ParityCase): Promise<void> {
  for (const r of c.requests) {
    const answer = await send(r.method, r.path, r.body === undefined ? undefined : JSON.stringify(r.body), contentTypeOf(r));
    let body: unknown = answer.body;
    try {
      body = JSON.parse(answer.body);
    } catch {
      // not JSON: compared as text below
    }
    const seen = { request: `${r.method} ${r.path}`, status: answer.status, body };
    if (r.expect.warnings) expect({ request: seen.request, warnings: warningsOf(answer.headers) }).toEqual({ request: seen.request, warnings: r.expect.warnings });
    expect(seen).toMatchObject({ request: `${r.method} ${r.path}`, status: r.expect.status, ...(r.expect.body ? { body: r.expect.body } : {}) });
    for (const [path, keys] of Object.entries(r.expect.absent ?? {})) {
      const at = (path ? path.split('.') : []).reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), body);
      for (const k of keys) expect({ request: seen.request, [`${path}.${k}`]: (at as Record<string, unknown> | undefined)?.[k] }).toEqual({ request: seen.request, [`${path}.${k}`]: undefined });
    }
  }
}
