/**
 * Manifests the benchmarks run, written to a temporary directory: the seed's Rollout with other
 * steps or delays, and a fleet of Rollouts with their own names, Services and analysis. The seed's
 * AnalysisTemplate (its query, interval, failure condition) is used verbatim unless said otherwise.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ROOT } from './proc.js';

const SEED_DIR = join(ROOT, 'examples', 'seed');

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `canary-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The seed's three files with the Rollout edited by `edit` (a plain object, as the YAML reads).
 * Returns the directory.
 */
export function seedVariant(dir: string, edit: (rollout: Record<string, any>) => void, editTemplate?: (t: Record<string, any>) => void): string {
  mkdirSync(dir, { recursive: true });
  const rollout = parseDocument(readFileSync(join(SEED_DIR, 'rollout.yaml'), 'utf8')).toJS() as Record<string, any>;
  edit(rollout);
  writeFileSync(join(dir, 'rollout.yaml'), JSON.stringify(rollout, null, 2));
  if (editTemplate) {
    const t = parseDocument(readFileSync(join(SEED_DIR, 'analysis-template.yaml'), 'utf8')).toJS() as Record<string, any>;
    editTemplate(t);
    writeFileSync(join(dir, 'analysis-template.yaml'), JSON.stringify(t, null, 2));
  } else {
    writeFileSync(join(dir, 'analysis-template.yaml'), readFileSync(join(SEED_DIR, 'analysis-template.yaml')));
  }
  writeFileSync(join(dir, 'services.yaml'), readFileSync(join(SEED_DIR, 'services.yaml')));
  return dir;
}

/** Go duration text for whole seconds ("150s"). */
export function secs(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

export interface FleetMember {
  name: string;
  dir: string;
}

export interface FleetOptions {
  /** Default: setWeight 10, an indefinite pause, setWeight 100. */
  steps?: unknown[];
  /** Default 0 (keep the canary's pods after an abort: the runner exits at once). */
  abortScaleDownDelaySeconds?: number;
  /** Rollout names are PREFIX-00, PREFIX-01... (default `app`). */
  prefix?: string;
}

/**
 * `count` Rollouts `app-00`.. in namespace `ns`, each in its own directory with its Services and an
 * AnalysisTemplate querying its own canary Service (the seed's query): setWeight 10, an indefinite
 * pause, setWeight 100; background analysis every `intervalS` seconds.
 */
export function fleet(root: string, ns: string, count: number, intervalS: number, o: FleetOptions = {}): FleetMember[] {
  const out: FleetMember[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${o.prefix ?? 'app'}-${String(i).padStart(2, '0')}`;
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const labels = { 'app.kubernetes.io/name': name };
    const svc = (n: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: n, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name, namespace: ns },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'example/app:1', ports: [{ name: 'http', containerPort: 8080 }] }] } },
        strategy: {
          canary: {
            canaryService: `${name}-canary`,
            stableService: `${name}-stable`,
            abortScaleDownDelaySeconds: o.abortScaleDownDelaySeconds ?? 0,
            trafficRouting: { smi: { rootService: name } },
            analysis: {
              templates: [{ templateName: 'success-rate-analysis' }],
              args: [
                { name: 'service-name', value: `${name}-canary` },
                { name: 'from', value: 'dependant-api-service' },
              ],
            },
            steps: o.steps ?? [{ setWeight: 10 }, { pause: {} }, { setWeight: 100 }],
          },
        },
      },
    };
    const template = parseDocument(readFileSync(join(SEED_DIR, 'analysis-template.yaml'), 'utf8')).toJS() as Record<string, any>;
    template.metadata.namespace = ns;
    template.spec.metrics[0].interval = `${intervalS}s`;
    writeFileSync(join(dir, 'rollout.yaml'), JSON.stringify(rollout, null, 2));
    writeFileSync(join(dir, 'analysis-template.yaml'), JSON.stringify(template, null, 2));
    writeFileSync(join(dir, 'services.yaml'), [svc(name), svc(`${name}-canary`), svc(`${name}-stable`)].map((s) => JSON.stringify(s, null, 2)).join('\n---\n'));
    out.push({ name, dir });
  }
  return out;
}
