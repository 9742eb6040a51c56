/**
 * Creating manifests on the real API server (`kubectl create -f` without kubectl): the resource of
 * each kind is found through discovery, so any installed CRD works. Used for the CRDs, the seed's
 * objects and examples/rbac.yaml.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../sandbox/store/types.js';
import { KubeError, type Kube } from './kube.js';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export class Applier {
  private readonly cache = new Map<string, ApiResource[]>();

  constructor(private readonly kube: Kube) {}

  /** The collection path for an object of this apiVersion/kind (in `namespace` when namespaced). */
  async pathFor(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    let resources = this.cache.get(apiVersion);
    if (!resources) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      resources = (await this.kube.must<{ resources: ApiResource[] }>('GET', base)).resources.filter((r) => !r.name.includes('/'));
      this.cache.set(apiVersion, resources);
    }
    const r = resources.find((x) => x.kind === kind);
    if (!r) {
      this.cache.delete(apiVersion);
      throw new Error(`the API server serves no ${kind} in ${apiVersion}`);
    }
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return r.namespaced ? `${base}/namespaces/${namespace ?? 'default'}/${r.name}` : `${base}/${r.name}`;
  }

  /** Creates the object; an existing one is left as it is. Returns what the API server stored. */
  async create(obj: K8sObject, namespace?: string): Promise<K8sObject> {
    const ns = namespace ?? obj.metadata.namespace;
    const path = await this.pathFor(obj.apiVersion ?? 'v1', obj.kind ?? '', ns);
    const a = await this.kube.request('POST', path, obj);
    if (a.status === 409) return this.kube.must<K8sObject>('GET', `${path}/${encodeURIComponent(obj.metadata.name)}`);
    if (a.status < 200 || a.status > 299) throw new KubeError('POST', path, a.status, a.body);
    return a.json<K8sObject>();
  }

  /** Every document of a YAML file, in order. */
  async createFile(file: string): Promise<K8sObject[]> {
    const out: K8sObject[] = [];
    for (const doc of await readManifests(file)) out.push(await this.create(doc));
    return out;
  }
}

export async function readManifests(file: string): Promise<K8sObject[]> {
  const docs = parseAllDocuments(await readFile(file, 'utf8'));
  const out: K8sObject[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
    const o = d.toJS() as K8sObject | null;
    if (o) out.push(o);
  }
  return out;
}
