/**
 * provider.job (Argo's JobMetric): the Job's labels, annotations and spec. The spec is kept as
 * written for the API server to validate; lint checks what every Job needs (a pod template with
 * containers, a restartPolicy a Job accepts).
 */
import type { Reader } from './reader.js';
import { isRecord } from './reader.js';
import type { JobMetricSpec, JsonObject } from './types.js';

export function readJob(r: Reader): JobMetricSpec | null {
  const j = r.object({ known: ['metadata', 'spec'] });
  if (!j) return null;
  const meta = j.field('metadata').object({
    known: ['labels', 'annotations'],
    ignored: { name: 'canary names each Job itself', generateName: 'canary names each Job itself', namespace: 'the Job runs in the Rollout\'s namespace' },
  });
  const labels = meta?.field('labels').stringMap() ?? {};
  const annotations = meta?.field('annotations').stringMap() ?? {};
  // The JobSpec is the API server's to validate: any field is accepted here.
  const spec = j.field('spec').object({ known: keysOf(j.field('spec')) }, { required: true });
  if (!spec) return null;
  const template = spec.field('template').object({ known: ['metadata', 'spec'] }, { required: true });
  const pod = template?.field('spec').object({ known: keysOf(template.field('spec')) }, { required: true });
  if (pod) {
    const containers = pod.field('containers').list({ required: true });
    if (pod.field('containers').present && containers.length === 0) pod.field('containers').error('a Job needs at least one container');
    const restart = pod.field('restartPolicy').string();
    if (restart === null && pod.field('restartPolicy').present === false) pod.field('restartPolicy').error('required for a Job: Never or OnFailure', 'key');
    else if (restart !== null && restart !== 'Never' && restart !== 'OnFailure' && !restart.includes('{{')) {
      pod.field('restartPolicy').error(`"${restart}" is not allowed for a Job: use Never or OnFailure`);
    }
  }
  return { kind: 'job', labels, annotations, spec: spec.value as JsonObject };
}

function keysOf(r: Reader): string[] {
  return isRecord(r.value) ? Object.keys(r.value) : [];
}
