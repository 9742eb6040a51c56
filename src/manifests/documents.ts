/** Sorts documents by kind: what canary reads, and what it reports and skips. */
import { isNotificationConfig, readNotificationConfig } from './notification-config.js';
import { readAnalysisTemplate } from './analysis-template.js';
import { readDeployment } from './deployment.js';
import { issue, type Issue } from './issues.js';
import { isRecord } from './reader.js';
import { readRollout, type ReadOptions } from './rollout.js';
import { readService } from './service.js';
import type { SourceDoc } from './source.js';
import type { SpecSet } from './types.js';

export interface SkippedDocument {
  file: string;
  line: number;
  apiVersion: string;
  kind: string;
  name: string;
}

const ARGO = 'argoproj.io/v1alpha1';
const ARGO_KINDS_UNSUPPORTED: Record<string, string> = {
  Experiment: 'Experiments are not supported',
  AnalysisRun: 'canary creates its analysis runs itself: give it the AnalysisTemplate instead',
};

export function readDocuments(docs: readonly SourceDoc[], files: string[], issues: Issue[], options: ReadOptions = {}): { spec: SpecSet; skipped: SkippedDocument[] } {
  const spec: SpecSet = { rollouts: [], templates: [], services: [], deployments: [], notificationConfigs: [], files };
  const skipped: SkippedDocument[] = [];
  for (const doc of docs) {
    const at = doc.locOf([]);
    if (!isRecord(doc.value)) {
      issues.push(issue('error', at, `a manifest must be a mapping with apiVersion and kind, this document is ${Array.isArray(doc.value) ? 'a list' : `a ${typeof doc.value}`}`));
      continue;
    }
    const apiVersion = doc.value.apiVersion;
    const kind = doc.value.kind;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      const missing = [typeof apiVersion !== 'string' ? 'apiVersion' : null, typeof kind !== 'string' ? 'kind' : null].filter(Boolean).join(' and ');
      issues.push(issue('error', at, `not a Kubernetes manifest: ${missing} missing`));
      continue;
    }
    if (apiVersion === ARGO && kind === 'Rollout') {
      const r = readRollout(doc, issues, options);
      if (r) spec.rollouts.push(r);
    } else if (apiVersion === ARGO && (kind === 'AnalysisTemplate' || kind === 'ClusterAnalysisTemplate')) {
      const t = readAnalysisTemplate(doc, issues, kind);
      if (t) spec.templates.push(t);
    } else if (apiVersion === 'v1' && kind === 'Service') {
      const s = readService(doc, issues);
      if (s) spec.services.push(s);
    } else if (isNotificationConfig(doc.value)) {
      const c = readNotificationConfig(doc, issues);
      if (c) spec.notificationConfigs.push(c);
    } else if (apiVersion === 'apps/v1' && kind === 'Deployment' && namedByWorkloadRef(docs, doc)) {
      const d = readDeployment(doc, issues);
      if (d) spec.deployments.push(d);
    } else if (apiVersion === ARGO && ARGO_KINDS_UNSUPPORTED[kind]) {
      issues.push(issue('error', doc.locOf(['kind']), `${kind}: ${ARGO_KINDS_UNSUPPORTED[kind]}`));
    } else if (apiVersion.startsWith('argoproj.io/')) {
      issues.push(issue('error', doc.locOf(['apiVersion']), `${apiVersion} ${kind} is not something canary reads: it reads ${ARGO} Rollout, AnalysisTemplate and ClusterAnalysisTemplate`));
    } else {
      const meta = isRecord(doc.value.metadata) ? doc.value.metadata : {};
      const name = typeof meta.name === 'string' ? meta.name : '';
      const ns = typeof meta.namespace === 'string' ? `${meta.namespace}/` : '';
      skipped.push({ file: doc.file, line: at.line, apiVersion, kind, name: `${ns}${name}` });
    }
  }
  return { spec, skipped };
}

/** A Deployment is read (and checked) only when a Rollout of the files names it in its workloadRef; others are skipped as before. */
function namedByWorkloadRef(docs: readonly SourceDoc[], deployment: SourceDoc): boolean {
  const name = (isRecord(deployment.value) && isRecord(deployment.value.metadata) ? deployment.value.metadata.name : undefined) as unknown;
  return docs.some((d) => {
    const v = d.value;
    if (!isRecord(v) || v.kind !== 'Rollout' || !isRecord(v.spec) || !isRecord(v.spec.workloadRef)) return false;
    return v.spec.workloadRef.name === name;
  });
}
