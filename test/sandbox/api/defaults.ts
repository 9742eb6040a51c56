/**
 * Defaulting of built-in types on every write, as the real server's defaulters and registry
 * strategies do it. It matters to clients: a Deployment read back carries fields its manifest did
 * not (strategy, revisionHistoryLimit, container imagePullPolicy, `template.metadata.creationTimestamp: null`),
 * so code that compares manifests with live objects meets the same differences as on a cluster.
 */
import type { K8sObject } from '../store/types.js';
import { isObject, type JsonObject } from './patch/json-value.js';

type Obj = Record<string, unknown>;

/** Allocates ClusterIPs from 10.96.0.0/16 (10.96.0.1 is the `kubernetes` Service on a real cluster). */
export class ClusterIpAllocator {
  private next = 10;

  constructor(private readonly inUse: () => Set<string>) {}

  allocate(): string {
    const used = this.inUse();
    for (;;) {
      const n = this.next++;
      const ip = `10.96.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
      if (!used.has(ip)) return ip;
    }
  }
}

/** Fills defaults in place for the kinds the real server defaults; other kinds are left as they are. */
export function applyDefaults(kind: string, obj: K8sObject, ips: ClusterIpAllocator): void {
  switch (kind) {
    case 'Deployment':
      return defaultDeployment(obj);
    case 'ReplicaSet':
      return defaultReplicaSet(obj);
    case 'Job':
      return defaultJob(obj);
    case 'Pod':
      return defaultPod(obj);
    case 'Service':
      return defaultService(obj, ips);
    case 'Namespace':
      return defaultNamespace(obj);
    case 'Secret':
      obj['type'] ??= 'Opaque';
      return;
    case 'Event':
      return defaultCoreEvent(obj);
    default:
      return;
  }
}

/**
 * core/v1 Event as kube-apiserver serialises it: the reporting fields are not omitempty (""), and
 * unset timestamps are null. Only core/v1 Events come here (events.k8s.io/v1 is converted on top).
 */
function defaultCoreEvent(e: K8sObject): void {
  if (e.apiVersion !== undefined && e.apiVersion !== 'v1') return;
  e['reportingComponent'] ??= '';
  e['reportingInstance'] ??= '';
  e['eventTime'] ??= null;
  e['firstTimestamp'] ??= null;
  e['lastTimestamp'] ??= null;
  e['source'] ??= {};
}

function child(o: Obj, key: string): Obj {
  const v = o[key];
  if (isObject(v)) return v as Obj;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
}

function defaultDeployment(d: K8sObject): void {
  const spec = child(d, 'spec');
  spec['replicas'] ??= 1;
  spec['revisionHistoryLimit'] ??= 10;
  spec['progressDeadlineSeconds'] ??= 600;
  const strategy = child(spec, 'strategy');
  strategy['type'] ??= 'RollingUpdate';
  if (strategy['type'] === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    ru['maxUnavailable'] ??= '25%';
    ru['maxSurge'] ??= '25%';
  }
  defaultTemplate(spec);
  d['status'] ??= {};
}

function defaultReplicaSet(rs: K8sObject): void {
  const spec = child(rs, 'spec');
  spec['replicas'] ??= 1;
  defaultTemplate(spec);
  rs['status'] ??= { replicas: 0 };
}

/**
 * batch/v1 Job: the v1 defaults (one pod, six retries, NonIndexed, not suspended), and what the
 * registry's strategy adds on create without manualSelector: a selector on the Job's uid, and the
 * controller-uid and job-name labels (new and legacy spellings) on the pod template. The uid is
 * assigned before defaulting (handlers/write.ts), as the real server fills system fields first.
 */
function defaultJob(job: K8sObject): void {
  const spec = child(job, 'spec');
  spec['parallelism'] ??= 1;
  spec['completions'] ??= 1;
  spec['backoffLimit'] ??= 6;
  spec['completionMode'] ??= 'NonIndexed';
  spec['suspend'] ??= false;
  spec['podReplacementPolicy'] ??= 'TerminatingOrFailed';
  const uid = job.metadata.uid;
  const template = child(spec, 'template');
  const templateMeta = child(template, 'metadata');
  if (uid && spec['manualSelector'] !== true && spec['selector'] === undefined) {
    const labels = { ...((templateMeta['labels'] as Record<string, string> | undefined) ?? {}) };
    labels['batch.kubernetes.io/controller-uid'] = uid;
    labels['batch.kubernetes.io/job-name'] = job.metadata.name;
    labels['controller-uid'] = uid;
    labels['job-name'] = job.metadata.name;
    templateMeta['labels'] = labels;
    spec['selector'] = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  }
  if (!job.metadata.labels || Object.keys(job.metadata.labels).length === 0) {
    const templateLabels = templateMeta['labels'] as Record<string, string> | undefined;
    if (templateLabels) job.metadata.labels = { ...templateLabels };
  }
  defaultTemplate(spec);
  job['status'] ??= {};
}

function defaultTemplate(spec: Obj): void {
  const template = child(spec, 'template');
  const meta = child(template, 'metadata');
  // Go serialises the template's zero creationTimestamp as null (k8s <= 1.32).
  if (!('creationTimestamp' in meta)) meta['creationTimestamp'] = null;
  defaultPodSpec(child(template, 'spec'));
}

function defaultPod(pod: K8sObject): void {
  const spec = child(pod, 'spec');
  defaultPodSpec(spec);
  spec['enableServiceLinks'] ??= true;
  spec['preemptionPolicy'] ??= 'PreemptLowerPriority';
  spec['priority'] ??= 0;
  spec['serviceAccountName'] ??= 'default';
  spec['serviceAccount'] ??= spec['serviceAccountName'];
  const status = child(pod, 'status');
  status['phase'] ??= 'Pending';
  status['qosClass'] ??= qosClass(spec);
}

function defaultPodSpec(spec: Obj): void {
  spec['restartPolicy'] ??= 'Always';
  spec['terminationGracePeriodSeconds'] ??= 30;
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['securityContext'] ??= {};
  spec['schedulerName'] ??= 'default-scheduler';
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) if (isObject(c)) defaultContainer(c);
  }
}

function defaultContainer(c: JsonObject): void {
  c['terminationMessagePath'] ??= '/dev/termination-log';
  c['terminationMessagePolicy'] ??= 'File';
  c['resources'] ??= {};
  if (c['imagePullPolicy'] === undefined) {
    const image = typeof c['image'] === 'string' ? c['image'] : '';
    const tag = /:([^/:@]+)$/.exec(image.split('@')[0]!)?.[1];
    c['imagePullPolicy'] = image.includes('@') ? 'IfNotPresent' : !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  const ports = c['ports'];
  if (Array.isArray(ports)) for (const p of ports) if (isObject(p)) p['protocol'] ??= 'TCP';
}

function qosClass(spec: Obj): string {
  const containers = Array.isArray(spec['containers']) ? (spec['containers'] as JsonObject[]) : [];
  const any = containers.some((c) => {
    const r = isObject(c['resources']) ? c['resources'] : {};
    return (isObject(r['requests']) && Object.keys(r['requests']).length > 0) || (isObject(r['limits']) && Object.keys(r['limits']).length > 0);
  });
  return any ? 'Burstable' : 'BestEffort';
}

function defaultService(svc: K8sObject, ips: ClusterIpAllocator): void {
  const spec = child(svc, 'spec');
  spec['type'] ??= 'ClusterIP';
  spec['sessionAffinity'] ??= 'None';
  if (spec['type'] !== 'ExternalName') {
    if (spec['clusterIP'] === undefined || spec['clusterIP'] === '') spec['clusterIP'] = ips.allocate();
    spec['clusterIPs'] ??= [spec['clusterIP']];
    spec['ipFamilies'] ??= ['IPv4'];
    spec['ipFamilyPolicy'] ??= 'SingleStack';
    spec['internalTrafficPolicy'] ??= 'Cluster';
  }
  const ports = spec['ports'];
  if (Array.isArray(ports)) {
    for (const p of ports) {
      if (!isObject(p)) continue;
      p['protocol'] ??= 'TCP';
      if (p['targetPort'] === undefined) p['targetPort'] = p['port'] ?? null;
    }
  }
  svc['status'] ??= { loadBalancer: {} };
}

function defaultNamespace(ns: K8sObject): void {
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
  const spec = child(ns, 'spec');
  spec['finalizers'] ??= ['kubernetes'];
  const status = child(ns, 'status');
  status['phase'] ??= 'Active';
}
