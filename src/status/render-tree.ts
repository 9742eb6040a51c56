/**
 * `canary status NAME`: the header, then the tree of `kubectl argo rollouts get rollout` (NAME, KIND,
 * STATUS, AGE, INFO): the rollout, its revisions with their Deployments and pods, the route object
 * and the analysis runs with a sparkline per metric. Pure: a string from the view and a Palette.
 */
import type { Palette } from '../util/palette.js';
import { ICON, KIND_ICON } from './icons.js';
import type { AnalysisView, Counts, DeploymentView, MetricView, ObjectStatus, PodView, StatusView } from './model.js';
import { renderHeader } from './render-header.js';
import { sparkline } from './sparkline.js';
import { paint, widthBudget, type RenderOptions } from './style.js';
import { renderTable, type Cell, type Column } from './table.js';
import { truncateEnd } from './text.js';
import { formatAge } from './time.js';

export function renderTree(view: StatusView, palette: Palette, options: RenderOptions = {}): string {
  return [...renderHeader(view, palette, options), '', ...renderObjects(view, palette, options)].join('\n') + '\n';
}

interface Node {
  icon: string | null;
  name: string;
  /** How the name gives way when the column is narrow; 'keep': it does not. */
  truncate?: Cell['truncate'] | 'keep';
  infoTruncate?: Cell['truncate'];
  kind: string;
  status: ObjectStatus | null;
  ageMs: number | null;
  info: string;
  images?: string;
  children: Node[];
}

// Pod names are what overflows 80 columns; they give way first, down to their unique suffix.
// INFO keeps room for an AnalysisRun's counters (✔ 10 ✖ 0 ? 0 ⚠ 0).
const COLUMNS: Column[] = [
  { header: 'NAME', shrinkOrder: 1, minWidth: 22 },
  { header: 'KIND' },
  { header: 'STATUS', shrinkOrder: 3, minWidth: 14 },
  { header: 'AGE' },
  { header: 'INFO', shrinkOrder: 2, minWidth: 16 },
];

export function renderObjects(view: StatusView, palette: Palette, options: RenderOptions = {}): string[] {
  const wide = options.wide ?? false;
  const root: Node = {
    icon: KIND_ICON.rollout,
    name: view.name,
    kind: 'Rollout',
    status: { icon: view.status.icon, text: view.status.phase },
    ageMs: view.run?.ageMs ?? null,
    info: '',
    children: [
      ...revisionNodes(view, wide),
      ...experimentNodes(view, wide),
      ...routeNodes(view),
      ...view.analyses.filter((a) => !view.experiment?.analysisIds.includes(a.id)).map((a) => analysisNode(a, wide)),
    ],
  };
  const rows: Cell[][] = [];
  flatten(root, '', '', rows, wide);
  const columns = wide ? [...COLUMNS.slice(0, 4), { header: 'IMAGES' }, COLUMNS[4]!] : COLUMNS;
  return renderTable(columns, rows, palette, widthBudget(options));
}

function flatten(node: Node, branch: string, indent: string, rows: Cell[][], wide: boolean): void {
  const status = node.status;
  const row: Cell[] = [
    {
      prefix: branch + (node.icon ? `${node.icon} ` : ''),
      text: node.name,
      ...(node.truncate === 'keep' ? { keep: true } : { truncate: node.truncate ?? 'middle' }),
    },
    { text: node.kind },
    status ? { text: `${status.icon} ${status.text}`, style: (s, p) => paint(status.icon, s, p) } : { text: '' },
    { text: node.ageMs === null ? '' : formatAge(node.ageMs) },
    // INFO stays last, as Argo's: it is the free-form column.
    ...(wide ? [{ text: node.images ?? '' }] : []),
    { text: node.info, truncate: node.infoTruncate ?? 'end' },
  ];
  rows.push(row);
  node.children.forEach((child, i) => {
    const last = i === node.children.length - 1;
    // Two-column branches (Argo draws three): pods sit three levels deep and 80 columns are tight.
    flatten(child, indent + (last ? '└─' : '├─'), indent + (last ? '  ' : '│ '), rows, wide);
  });
}

/** Deployments grouped by revision, newest (the canary's) first; after promotion both share one. */
function revisionNodes(view: StatusView, wide: boolean): Node[] {
  const groups = new Map<string, DeploymentView[]>();
  for (const d of view.deployments) {
    const key = d.revision ?? '?';
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups].map(([revision, deployments]) => ({
    icon: KIND_ICON.revision,
    name: `revision:${revision}`,
    truncate: 'keep',
    kind: '',
    status: null,
    ageMs: null,
    info: '',
    children: deployments.map((d) => deploymentNode(d, wide)),
  }));
}

function deploymentNode(d: DeploymentView, wide: boolean): Node {
  return {
    icon: KIND_ICON.deployment,
    name: d.name,
    kind: 'Deployment',
    status: d.status,
    ageMs: d.ageMs,
    info: `${d.tags.join(',')}${wide ? `,available:${d.available}/${d.replicas}` : ''}`,
    images: d.images.join(','),
    children: d.pods.map(podNode),
  };
}

function podNode(p: PodView): Node {
  return {
    icon: KIND_ICON.pod,
    name: p.name,
    // The Deployment's name is on the row above: keep the pod's unique suffix.
    truncate: 'start',
    kind: 'Pod',
    status: p.status,
    ageMs: p.ageMs,
    info: podInfo(p),
    children: [],
  };
}

/** A reason in STATUS already says the pod is not ready; say it only when nothing else does. */
function podInfo(p: PodView): string {
  const parts = [p.ready ? 'ready' : p.reason === null ? 'not ready' : '', p.restarts ? `restarts:${p.restarts}` : ''];
  return parts.filter(Boolean).join(',');
}

/** Argo's Experiment -> ReplicaSets and AnalysisRuns: here its Deployments (with their pods) and analysis runs. */
function experimentNodes(view: StatusView, wide: boolean): Node[] {
  const e = view.experiment;
  if (!e) return [];
  return [
    {
      icon: KIND_ICON.experiment,
      name: e.name,
      truncate: 'keep',
      kind: 'Experiment',
      status: e.status,
      ageMs: e.ageMs,
      info: '',
      children: [...e.deployments.map((d) => withWeight(deploymentNode(d, wide), view.route.additional.find((a) => (a.deployment ?? a.service) === d.name)?.weight)), ...view.analyses.filter((a) => e.analysisIds.includes(a.id)).map((a) => analysisNode(a, wide))],
    },
  ];
}

/** An experiment template's share of the traffic, when its Service is on the route object. */
function withWeight(node: Node, weight: number | undefined): Node {
  return weight === undefined ? node : { ...node, info: [node.info, `weight ${weight}%`].filter((x) => x).join(', ') };
}

function routeNodes(view: StatusView): Node[] {
  const r = view.route;
  if (r.kind === 'none') return [];
  const set = view.setWeight;
  const lagging = r.weight !== null && set !== null && r.weight !== set;
  return [
    {
      icon: KIND_ICON.route,
      name: r.name ?? `${view.name} (not found)`,
      kind: r.kind,
      status: r.weight === null ? { icon: ICON.error, text: 'NotFound' } : lagging ? { icon: ICON.progressing, text: 'Progressing' } : { icon: ICON.healthy, text: 'Healthy' },
      ageMs: null,
      info: r.weight === null ? '' : `canary ${r.weight}%${lagging ? ` → ${set}%` : ''}${r.managedRoutes.length ? `, routes ${r.managedRoutes.join(', ')}` : ''}`,
      children: [],
    },
  ];
}

function analysisNode(a: AnalysisView, wide: boolean): Node {
  return {
    icon: KIND_ICON.analysisRun,
    name: a.id,
    kind: 'AnalysisRun',
    status: { icon: a.icon, text: a.terminated ? 'Terminated' : a.phase },
    ageMs: a.ageMs,
    info: counts(a.counts) + (wide && a.message ? ` ${a.message}` : ''),
    children: a.metrics.map((m) => metricNode(m, wide)),
  };
}

function metricNode(m: MetricView, wide: boolean): Node {
  const spark = sparkline(m.samples);
  const value = m.lastValue ?? (m.lastError ? 'error' : '-');
  // The trend reads into the current value; when the column is narrow the oldest samples go first.
  const parts = [m.dryRun ? 'dry-run' : '', spark, wide ? value : truncateEnd(value, 12)];
  if (wide) parts.push(counts(m.counts), m.lastError ? `error: ${m.lastError}` : '', m.message ?? '');
  return {
    icon: null,
    name: m.name,
    kind: 'Metric',
    status: { icon: m.icon, text: m.terminated ? 'Terminated' : m.phase },
    ageMs: null,
    info: parts.filter(Boolean).join(' '),
    infoTruncate: wide ? 'end' : 'start',
    children: [],
  };
}

/** Argo's AnalysisRun INFO: ✔ successful ✖ failed ? inconclusive ⚠ error. */
function counts(c: Counts): string {
  return `✔ ${c.successful} ✖ ${c.failed} ? ${c.inconclusive} ⚠ ${c.error}`;
}
