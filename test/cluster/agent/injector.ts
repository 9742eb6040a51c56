/**
 * Linkerd's proxy injector as a real mutating admission webhook: the API server sends every pod
 * CREATE here (MutatingWebhookConfiguration with a URL on 127.0.0.1, TLS with the control plane's
 * serving certificate) and gets back a JSON patch adding what the sandbox's ReplicaSet controller adds
 * in-process: the linkerd.io/* labels and annotations that make the world's mesh treat the pod as
 * meshed (test/sandbox/world/deployments/mesh-injection.ts decides, from the replica of the cluster).
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ObjectStore } from '../../sandbox/store/store.js';
import type { K8sObject } from '../../sandbox/store/types.js';
import { INJECTED_ANNOTATIONS, injectedLabels, shouldInject } from '../../sandbox/world/deployments/mesh-injection.js';
import { servedType } from '../../sandbox/world/resources.js';
import type { Kube } from './kube.js';

export const WEBHOOK_NAME = 'linkerd-proxy-injector.linkerd.io';

interface AdmissionReview {
  apiVersion: string;
  kind: 'AdmissionReview';
  request: { uid: string; namespace?: string; operation: string; object: K8sObject };
}

export interface Injector {
  url: string;
  /** Pods the API server sent, and how many were meshed. */
  stats(): { reviewed: number; injected: number };
  close(): Promise<void>;
}

export async function startInjector(store: ObjectStore, tls: { certPem: string; keyPem: string }, log: (line: string) => void): Promise<Injector> {
  let reviewed = 0;
  let injected = 0;
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      try {
        const review = JSON.parse(body) as AdmissionReview;
        reviewed++;
        const patch = injectionPatch(store, review.request.namespace ?? 'default', review.request.object);
        if (patch.length) injected++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: { uid: review.request.uid, allowed: true, ...(patch.length ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } : {}) },
          }),
        );
      } catch (err) {
        log(`proxy injector: ${err instanceof Error ? err.message : String(err)}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/inject`;
  return {
    url,
    stats: () => ({ reviewed, injected }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Registers the webhook for pod creations, failing closed: a pod the injector did not see would be silently unmeshed. */
export async function registerInjector(kube: Kube, url: string, caPem: string): Promise<void> {
  await kube.must('POST', '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'linkerd-proxy-injector-webhook-config' },
    webhooks: [
      {
        name: WEBHOOK_NAME,
        clientConfig: { url, caBundle: Buffer.from(caPem).toString('base64') },
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        failurePolicy: 'Fail',
        timeoutSeconds: 5,
      },
    ],
  });
}

type PatchOp = { op: 'add'; path: string; value: unknown };

/** The JSON patch that meshes this pod, or [] when neither its namespace nor its template asks for it. */
export function injectionPatch(store: ObjectStore, namespace: string, pod: K8sObject): PatchOp[] {
  if (!shouldInject(store, namespace, pod.metadata.annotations)) return [];
  const labels = injectedLabels(namespace, deploymentOf(store, namespace, pod));
  const ops: PatchOp[] = [];
  const add = (field: 'labels' | 'annotations', values: Record<string, string>) => {
    if (!pod.metadata[field]) ops.push({ op: 'add', path: `/metadata/${field}`, value: values });
    else for (const [k, v] of Object.entries(values)) ops.push({ op: 'add', path: `/metadata/${field}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, value: v });
  };
  add('labels', labels);
  add('annotations', INJECTED_ANNOTATIONS);
  return ops;
}

/** The Deployment that owns the pod's ReplicaSet (Linkerd's `linkerd.io/proxy-deployment`). */
function deploymentOf(store: ObjectStore, namespace: string, pod: K8sObject): string | undefined {
  const rsName = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'ReplicaSet')?.name;
  if (!rsName) return undefined;
  const rsType = servedType(store, 'replicasets');
  const rs = rsType ? store.tryGet(rsType, namespace, rsName) : undefined;
  const owner = rs?.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment')?.name;
  if (owner) return owner;
  // The replica may not have the ReplicaSet yet: its name is the Deployment's plus the template hash.
  const hash = pod.metadata.labels?.['pod-template-hash'];
  return hash && rsName.endsWith(`-${hash}`) ? rsName.slice(0, -hash.length - 1) : undefined;
}
