/** apps/v1 Deployment documents: a Rollout's workloadRef may name one; lint checks it and resolves the Rollout's pods from it. */
import type { Issue } from './issues.js';
import { readMetadata } from './metadata.js';
import { checkSelectorMatches, readPodTemplate, readSelector } from './pod-template.js';
import { Reader } from './reader.js';
import type { SourceDoc } from './source.js';
import type { DeploymentSpec } from './types.js';

export function readDeployment(doc: SourceDoc, issues: Issue[]): DeploymentSpec | null {
  // Only what canary takes from a Deployment is checked; the API server validates the rest when it is applied.
  const root = Reader.root(doc, issues);
  const meta = readMetadata(root, 'Deployment');
  const spec = root.field('spec');
  const selector = readSelector(spec.field('selector'));
  const template = readPodTemplate(spec.field('template'));
  if (selector && template) checkSelectorMatches(spec.field('template'), selector, template);
  if (!meta || !selector || !template) return null;
  return { loc: root.loc(), source: doc, name: meta.name, namespace: meta.namespace, replicas: spec.field('replicas').int({ min: 0 }) ?? 1, selector, template };
}
