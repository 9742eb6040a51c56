import type { ApiServer } from '../index.js';
import { configMap, createNamespace, del, deployment, get, post, put, request, startSandbox } from './helpers.js';

let server: ApiServer;
const CM = '/api/v1/namespaces/apps/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/apps/deployments';

beforeAll(async () => {
  server = await startSandbox();
  await createNamespace(server, 'apps');
});
afterAll(() => server.close());

describe('create, get, list, replace, delete', () => {
  it('creates (201) with server-set metadata and reads it back', async () => {
    const created = await post(server, CM, configMap('settings', { a: '1' }));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { a: '1' } });
    expect(created.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.json.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(created.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const read = await get(server, `${CM}/settings`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
  });

  it('answers 409 AlreadyExists for a second create', async () => {
    await post(server, CM, configMap('twice'));
    const again = await post(server, CM, configMap('twice'));
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "twice" already exists',
      reason: 'AlreadyExists',
      details: { name: 'twice', kind: 'configmaps' },
      code: 409,
    });
  });

  it('answers 404 NotFound worded with the qualified resource', async () => {
    const r = await get(server, `${DEPLOY}/missing`);
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', message: 'deployments.apps "missing" not found', details: { name: 'missing', group: 'apps', kind: 'deployments' }, code: 404 });
  });

  it('refuses a create in a namespace that does not exist', async () => {
    const r = await post(server, '/api/v1/namespaces/ghost/configmaps', configMap('x'));
    expect(r.status).toBe(404);
    expect(r.json.message).toBe('namespaces "ghost" not found');
  });

  it('lists with kind XList and a resourceVersion; built-in items carry no apiVersion/kind', async () => {
    await post(server, CM, configMap('l1', {}, { role: 'list', tier: 'a' }));
    await post(server, CM, configMap('l2', {}, { role: 'list', tier: 'b' }));
    const r = await get(server, `${CM}?labelSelector=role%3Dlist`);
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe('ConfigMapList');
    expect(r.json.apiVersion).toBe('v1');
    expect(r.json.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['l1', 'l2']);
    expect(r.json.items[0]).not.toHaveProperty('kind');
    expect(r.json.items[0]).not.toHaveProperty('apiVersion');
  });

  it('filters with set-based label selectors and metadata field selectors', async () => {
    const inSet = await get(server, `${CM}?labelSelector=${encodeURIComponent('role=list,tier in (b)')}`);
    expect(inSet.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['l2']);
    const byName = await get(server, `${CM}?fieldSelector=metadata.name%3Dl1`);
    expect(byName.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['l1']);
  });

  it('refuses field labels the type does not support', async () => {
    const r = await get(server, `${CM}?fieldSelector=data.a%3D1`);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: data.a' });
  });

  it('lists across namespaces and pages with limit/continue', async () => {
    await createNamespace(server, 'other');
    await post(server, '/api/v1/namespaces/other/configmaps', configMap('elsewhere', {}, { role: 'list' }));
    const all = await get(server, '/api/v1/configmaps?labelSelector=role%3Dlist');
    expect(all.json.items.map((i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['apps/l1', 'apps/l2', 'other/elsewhere']);
    const first = await get(server, '/api/v1/configmaps?labelSelector=role%3Dlist&limit=2');
    expect(first.json.items).toHaveLength(2);
    expect(first.json.metadata.remainingItemCount).toBe(1);
    const rest = await get(server, `/api/v1/configmaps?labelSelector=role%3Dlist&limit=2&continue=${first.json.metadata.continue}`);
    expect(rest.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['elsewhere']);
    expect(rest.json.metadata.continue).toBeUndefined();
  });

  it('replaces (PUT) and answers 409 Conflict for a stale resourceVersion', async () => {
    const created = (await post(server, CM, configMap('rv'))).json;
    const updated = await put(server, `${CM}/rv`, { ...created, data: { k: 'v2' } });
    expect(updated.status).toBe(200);
    expect(Number(updated.json.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    const stale = await put(server, `${CM}/rv`, { ...created, data: { k: 'v3' } });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on configmaps "rv": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('refuses a PUT whose body names another object', async () => {
    const r = await put(server, `${CM}/rv`, configMap('other-name'));
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('the name of the object (other-name) does not match the name on the URL (rv)');
  });

  it('answers a DELETE with a Success Status for most types and with the object for Services and Pods', async () => {
    const cm = (await post(server, CM, configMap('gone'))).json;
    const r = await del(server, `${CM}/gone`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'gone', kind: 'configmaps', uid: cm.metadata.uid } });
    expect((await get(server, `${CM}/gone`)).status).toBe(404);

    await post(server, '/api/v1/namespaces/apps/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    const svc = await del(server, '/api/v1/namespaces/apps/services/web');
    expect(svc.status).toBe(200);
    expect(svc.json).toMatchObject({ kind: 'Service', metadata: { name: 'web' } });
  });

  it('honours delete preconditions', async () => {
    await post(server, CM, configMap('pre'));
    const r = await request(server, 'DELETE', `${CM}/pre`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'not-the-uid' } } });
    expect(r.status).toBe(409);
    expect(r.json.message).toMatch(/^Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: not-the-uid, UID in object meta: /);
  });

  it('deletes a collection by selector', async () => {
    await post(server, CM, configMap('batch-1', {}, { batch: 'yes' }));
    await post(server, CM, configMap('batch-2', {}, { batch: 'yes' }));
    const r = await del(server, `${CM}?labelSelector=batch%3Dyes`);
    expect(r.status).toBe(200);
    expect(r.json.kind).toBe('ConfigMapList');
    expect(r.json.items).toHaveLength(2);
    expect((await get(server, `${CM}?labelSelector=batch%3Dyes`)).json.items).toEqual([]);
  });

  it('deletes everything in a namespace with it and answers the namespace as Terminating', async () => {
    await createNamespace(server, 'doomed');
    await post(server, '/api/v1/namespaces/doomed/configmaps', configMap('inside'));
    const r = await del(server, '/api/v1/namespaces/doomed');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } });
    expect(r.json.metadata.deletionTimestamp).toBeDefined();
    expect((await get(server, '/api/v1/namespaces/doomed/configmaps/inside')).status).toBe(404);
  });
});

describe('validation and decoding', () => {
  it('validates names with the real messages', async () => {
    const r = await post(server, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_Name' } });
    expect(r.status).toBe(422);
    expect(r.json.message).toBe(
      `Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
    expect(r.json.details).toMatchObject({ name: 'Bad_Name', kind: 'Namespace', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] });
    const svc = await post(server, '/api/v1/namespaces/apps/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } });
    expect(svc.json.message).toContain('a DNS-1035 label must consist of lower case alphanumeric characters');
  });

  it('requires a name or generateName, and generates one', async () => {
    const none = await post(server, CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} });
    expect(none.status).toBe(422);
    expect(none.json.message).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    const generated = await post(server, CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'run-' } });
    expect(generated.status).toBe(201);
    expect(generated.json.metadata.name).toMatch(/^run-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('answers malformed JSON with 400 and the decoder message', async () => {
    const r = await post(server, CM, '{"apiVersion": "v1", kind: ConfigMap}');
    expect(r.status).toBe(400);
    expect(r.json.message).toBe(
      "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character 'k' looking for beginning of object key string ({\"apiVersion\": \"v1\", kind: Con ...)",
    );
  });

  it('answers an unsupported body media type with 415', async () => {
    const r = await post(server, CM, 'data', { contentType: 'text/plain' });
    expect(r.status).toBe(415);
    expect(r.json).toMatchObject({ reason: 'UnsupportedMediaType', message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf' });
  });

  it('accepts YAML bodies', async () => {
    const r = await post(server, CM, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  x: "1"\n', { contentType: 'application/yaml' });
    expect(r.status).toBe(201);
    expect(r.json.data).toEqual({ x: '1' });
  });

  it('refuses an object of another apiVersion or kind', async () => {
    const v = await post(server, DEPLOY, { ...deployment('wrong'), apiVersion: 'apps/v1beta2' });
    expect(v.json.message).toBe('the API version in the data (apps/v1beta2) does not match the expected API version (apps/v1)');
    const k = await post(server, CM, { ...configMap('k'), kind: 'Secret' });
    expect(k.status).toBe(400);
  });

  it('checks Deployment selectors against the template and keeps them immutable', async () => {
    const bad = deployment('mismatch');
    (bad['spec'] as { selector: unknown }).selector = { matchLabels: { app: 'other' } };
    const r = await post(server, DEPLOY, bad);
    expect(r.status).toBe(422);
    expect(r.json.message).toBe('Deployment.apps "mismatch" is invalid: spec.template.metadata.labels: Invalid value: {"app":"mismatch"}: `selector` does not match template `labels`');
    const ok = (await post(server, DEPLOY, deployment('fixed'))).json;
    ok.spec.selector = { matchLabels: { app: 'fixed', extra: 'x' } };
    ok.spec.template.metadata.labels.extra = 'x';
    const changed = await put(server, `${DEPLOY}/fixed`, ok);
    expect(changed.status).toBe(422);
    expect(changed.json.message).toContain('spec.selector: Invalid value: {"matchLabels":{"app":"fixed","extra":"x"}}: field is immutable');
    expect(changed.json.message).toContain('field is immutable');
  });

  it('validates ConfigMap keys and the 1 MiB limit, and the 256 KiB annotation limit', async () => {
    const key = await post(server, CM, configMap('bad-key', { 'a/b': 'x' }));
    expect(key.status).toBe(422);
    expect(key.json.message).toBe(
      `ConfigMap "bad-key" is invalid: data[a/b]: Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    );
    const big = await post(server, CM, configMap('too-big', { state: 'x'.repeat(1024 * 1024 + 1) }));
    expect(big.status).toBe(422);
    expect(big.json.message).toBe('ConfigMap "too-big" is invalid: : Too long: may not be more than 1048576 bytes');
    const annotated = await post(server, CM, { ...configMap('annotated'), metadata: { name: 'annotated', annotations: { huge: 'x'.repeat(256 * 1024) } } });
    expect(annotated.json.message).toBe('ConfigMap "annotated" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes');
  });

  it('validates Events: the involved object namespace, and the strict events.k8s.io/v1 create rules', async () => {
    const core = await post(server, '/api/v1/namespaces/apps/events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'misplaced' },
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'other' },
      reason: 'X',
      message: 'x',
    });
    expect(core.status).toBe(422);
    expect(core.json.message).toBe('Event "misplaced" is invalid: involvedObject.namespace: Invalid value: "other": does not match event.namespace');
    const v1 = await post(server, '/apis/events.k8s.io/v1/namespaces/apps/events', { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'sparse' }, regarding: { kind: 'Deployment', name: 'web', namespace: 'apps' }, note: 'n', type: 'Normal', deprecatedCount: 1 });
    expect(v1.status).toBe(422);
    expect(v1.json.message).toBe(
      'Event.events.k8s.io "sparse" is invalid: [eventTime: Required value, reportingController: Required value, reportingInstance: Required value, action: Required value, reason: Required value, deprecatedCount: Invalid value: "": needs to be unset]',
    );
  });

  it('honours dryRun=All: validated and answered, nothing stored', async () => {
    const r = await post(server, `${CM}?dryRun=All`, configMap('dry'));
    expect(r.status).toBe(201);
    expect(r.json.metadata.uid).toBeDefined();
    expect(r.json.metadata.resourceVersion).toBeUndefined();
    expect((await get(server, `${CM}/dry`)).status).toBe(404);
    const exists = await post(server, `${CM}?dryRun=All`, configMap('settings'));
    expect(exists.status).toBe(409);
  });

  it('accepts fieldManager and fieldValidation', async () => {
    const r = await post(server, `${CM}?fieldManager=canary&fieldValidation=Strict`, configMap('managed'));
    expect(r.status).toBe(201);
  });
});

describe('defaults, generation and the status subresource', () => {
  it('defaults a Deployment like the real server (strategy, pod template, template creationTimestamp null)', async () => {
    const d = (await post(server, DEPLOY, deployment('defaults'))).json;
    expect(d.spec).toMatchObject({ revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
    expect(d.spec.template.metadata.creationTimestamp).toBeNull();
    expect(d.spec.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler' });
    expect(d.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File', ports: [{ protocol: 'TCP' }] });
    expect(d.metadata.generation).toBe(1);
    expect(d.status).toEqual({});
  });

  it('allocates a ClusterIP and defaults Service ports', async () => {
    const s = (await post(server, '/api/v1/namespaces/apps/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } })).json;
    expect(s.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] });
    expect(s.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(s.metadata).not.toHaveProperty('generation');
  });

  it('bumps generation on spec changes only', async () => {
    const d = (await post(server, DEPLOY, deployment('gen'))).json;
    d.metadata.labels = { ...d.metadata.labels, touched: 'yes' };
    const labelled = (await put(server, `${DEPLOY}/gen`, d)).json;
    expect(labelled.metadata.generation).toBe(1);
    labelled.spec.replicas = 3;
    const scaled = (await put(server, `${DEPLOY}/gen`, labelled)).json;
    expect(scaled.metadata.generation).toBe(2);
  });

  it('writes status through /status only, keeping spec, and spec through the main resource only, keeping status', async () => {
    const d = (await post(server, DEPLOY, deployment('split'))).json;
    const viaStatus = await put(server, `${DEPLOY}/split/status`, { ...d, spec: { ...d.spec, replicas: 9 }, status: { replicas: 1, readyReplicas: 1 } });
    expect(viaStatus.status).toBe(200);
    expect(viaStatus.json.spec.replicas).toBe(1);
    expect(viaStatus.json.status).toEqual({ replicas: 1, readyReplicas: 1 });
    expect(viaStatus.json.metadata.generation).toBe(1);
    const viaMain = await put(server, `${DEPLOY}/split`, { ...viaStatus.json, spec: { ...viaStatus.json.spec, replicas: 2 }, status: { replicas: 99 } });
    expect(viaMain.json.spec.replicas).toBe(2);
    expect(viaMain.json.status).toEqual({ replicas: 1, readyReplicas: 1 });
    expect((await get(server, `${DEPLOY}/split/status`)).json.status).toEqual({ replicas: 1, readyReplicas: 1 });
  });

  it('has no status subresource where the real server has none', async () => {
    await post(server, CM, configMap('nostatus'));
    const r = await get(server, `${CM}/nostatus/status`);
    expect(r.status).toBe(404);
  });

  it('serves the scale subresource of Deployments', async () => {
    await post(server, DEPLOY, deployment('scaled'));
    const scale = await get(server, `${DEPLOY}/scaled/scale`);
    expect(scale.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=scaled' } });
    const r = await request(server, 'PATCH', `${DEPLOY}/scaled/scale`, { body: { spec: { replicas: 4 } }, contentType: 'application/merge-patch+json' });
    expect(r.json.spec.replicas).toBe(4);
    expect((await get(server, `${DEPLOY}/scaled`)).json.spec.replicas).toBe(4);
  });
});

describe('versions, conversion and representations', () => {
  const TS = (v: string): string => `/apis/split.smi-spec.io/${v}/namespaces/apps/trafficsplits`;

  it('serves one TrafficSplit through v1alpha1 and v1alpha2 (conversion None), custom resource list items keep their kind', async () => {
    const body = { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', metadata: { name: 'split' }, spec: { service: 'app', backends: [{ service: 'app-stable', weight: '900m' }] } };
    expect((await post(server, TS('v1alpha1'), body)).status).toBe(201);
    const v2 = await get(server, `${TS('v1alpha2')}/split`);
    expect(v2.json).toMatchObject({ apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', spec: { backends: [{ service: 'app-stable', weight: '900m' }] } });
    expect(v2.json.metadata.generation).toBe(1);
    const list = await get(server, TS('v1alpha2'));
    expect(list.json).toMatchObject({ kind: 'TrafficSplitList', apiVersion: 'split.smi-spec.io/v1alpha2', items: [{ apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit' }] });
  });

  it('shows core/v1 Events as events.k8s.io/v1 Events and back', async () => {
    const core = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1' },
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'apps' },
      reason: 'Promoted',
      message: 'canary promoted',
      type: 'Normal',
      count: 1,
      reportingComponent: 'canary',
    };
    expect((await post(server, '/api/v1/namespaces/apps/events', core)).status).toBe(201);
    const v1 = await get(server, '/apis/events.k8s.io/v1/namespaces/apps/events/e1');
    expect(v1.json).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event', regarding: { kind: 'Deployment', name: 'web' }, note: 'canary promoted', reportingController: 'canary', deprecatedCount: 1 });
    const created = await post(server, '/apis/events.k8s.io/v1/namespaces/apps/events', {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e2' },
      regarding: { kind: 'Deployment', name: 'web', namespace: 'apps' },
      note: 'step 2',
      reason: 'Step',
      type: 'Normal',
      action: 'SetWeight',
      reportingController: 'canary',
      reportingInstance: 'ci',
      eventTime: '2026-01-01T00:00:00.000000Z',
    });
    expect(created.status).toBe(201);
    const asCore = await get(server, '/api/v1/namespaces/apps/events?fieldSelector=involvedObject.name%3Dweb');
    expect(asCore.json.items.map((e: { message: string }) => e.message).sort()).toEqual(['canary promoted', 'step 2']);
    const byRegarding = await get(server, '/apis/events.k8s.io/v1/namespaces/apps/events?fieldSelector=regarding.name%3Dweb');
    expect(byRegarding.json.items).toHaveLength(2);
  });

  it('serves server-side Tables for kubectl get (Deployments READY/UP-TO-DATE/AVAILABLE/AGE)', async () => {
    const r = await get(server, DEPLOY, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' });
    expect(r.json.kind).toBe('Table');
    expect(r.json.apiVersion).toBe('meta.k8s.io/v1');
    expect(r.json.columnDefinitions.filter((c: { priority: number }) => c.priority === 0).map((c: { name: string }) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    const row = r.json.rows.find((x: { cells: unknown[] }) => x.cells[0] === 'defaults');
    expect(row.cells.slice(0, 4)).toEqual(['defaults', '0/1', 0, 0]);
    expect(row.cells[4]).toMatch(/^\d+s$/);
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'defaults' } });
  });

  it('prints Pods as READY/STATUS/RESTARTS/AGE from their status', async () => {
    const pod = (await post(server, '/api/v1/namespaces/apps/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } })).json;
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const restartedAt = new Date(Date.now() - 65_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const running = await put(server, '/api/v1/namespaces/apps/pods/p/status', {
      ...pod,
      status: { phase: 'Running', podIP: '10.244.0.7', containerStatuses: [{ name: 'c', ready: true, restartCount: 2, state: { running: { startedAt: restartedAt } }, lastState: { terminated: { exitCode: 1, finishedAt: restartedAt } } }] },
    });
    expect(running.status).toBe(200);
    const table = await get(server, '/api/v1/namespaces/apps/pods', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(table.json.columnDefinitions.filter((c: { priority: number }) => c.priority === 0).map((c: { name: string }) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.json.rows[0].cells.slice(0, 4)).toEqual(['p', '1/1', 'Running', expect.stringMatching(/^2 \(6[5-7]s ago\)$/)]);
    expect(table.json.rows[0].cells[5]).toBe('10.244.0.7');
  });

  it('answers YAML when asked and 406 for representations it does not serve', async () => {
    const yaml = await get(server, `${CM}/settings`, { accept: 'application/yaml' });
    expect(yaml.headers['content-type']).toBe('application/yaml');
    expect(yaml.text).toContain('kind: ConfigMap');
    const proto = await get(server, `${CM}/settings`, { accept: 'application/vnd.kubernetes.protobuf' });
    expect(proto.status).toBe(406);
    expect(proto.json.reason).toBe('NotAcceptable');
  });
});
