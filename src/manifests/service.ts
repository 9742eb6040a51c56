/** v1 Service documents: read for cross-checks and for `run --apply-services`. Kubernetes validates the rest. */
import type { Issue } from './issues.js';
import { readMetadata } from './metadata.js';
import { Reader } from './reader.js';
import type { SourceDoc } from './source.js';
import type { JsonObject, ServiceSpec } from './types.js';

export function readService(doc: SourceDoc, issues: Issue[]): ServiceSpec | null {
  const root = Reader.root(doc, issues);
  const meta = readMetadata(root, 'Service');
  const spec = root.field('spec');
  if (!meta) return null;
  const ports: ServiceSpec['ports'] = [];
  for (const p of spec.field('ports').list()) {
    if (!p.present || typeof p.value !== 'object') continue;
    const port = p.field('port').int({ min: 1, max: 65535 });
    if (port === null) continue;
    const target = p.field('targetPort').value;
    ports.push({
      name: p.field('name').string(),
      port,
      targetPort: typeof target === 'number' || typeof target === 'string' ? target : null,
      protocol: p.field('protocol').string() ?? 'TCP',
    });
  }
  return {
    loc: root.loc(),
    source: doc,
    name: meta.name,
    namespace: meta.namespace,
    selector: spec.field('selector').stringMap(),
    ports,
    manifest: doc.value as JsonObject,
  };
}
