/** The lint report as data and as text. Pure; colours come in as a Palette. */
import type { Palette } from '../util/palette.js';
import type { SkippedDocument, SpecResult } from './index.js';
import { formatIssue, issue, type Issue } from './issues.js';

export interface LintReport {
  files: string[];
  errors: Issue[];
  warnings: Issue[];
  skipped: SkippedDocument[];
  read: { rollouts: string[]; templates: string[]; services: string[]; deployments: string[] };
}

/** `paths`: what the command was given, to name when nothing in them is a Rollout or template. */
export function lintReport(result: SpecResult, paths: readonly string[]): LintReport {
  const errors = result.issues.filter((i) => i.severity === 'error');
  // A CI step pointed at the wrong path must not pass: no Rollout and no template is an error.
  if (errors.length === 0 && result.spec.rollouts.length === 0 && result.spec.templates.length === 0) {
    const file = result.spec.files[0] ?? paths[0] ?? '.';
    const read = result.spec.files.length === 1 ? 'the file given' : `the ${result.spec.files.length} files given`;
    errors.push(issue('error', { file, line: 1, col: 1, path: '' }, `no Rollout, AnalysisTemplate or ClusterAnalysisTemplate in ${read}: nothing to check; is this the right path?`));
  }
  return {
    files: result.spec.files,
    errors,
    warnings: result.issues.filter((i) => i.severity === 'warning'),
    skipped: result.skipped,
    read: {
      rollouts: result.spec.rollouts.map((r) => qualified(r.namespace, r.name)),
      templates: result.spec.templates.map((t) => `${t.kind}/${qualified(t.namespace, t.name)}`),
      services: result.spec.services.map((s) => qualified(s.namespace, s.name)),
      deployments: result.spec.deployments.map((d) => qualified(d.namespace, d.name)),
    },
  };
}

export function renderLintText(report: LintReport, p: Palette): string {
  const lines: string[] = [];
  for (const e of report.errors) lines.push(`${formatIssue(e)}`.replace(/^([^ ]+: )/, (m) => p.bold(m)));
  if (report.warnings.length) {
    if (lines.length) lines.push('');
    lines.push(p.yellow('warnings:'));
    for (const w of report.warnings) lines.push(`  ${formatIssue(w)}`);
  }
  if (report.skipped.length) {
    if (lines.length) lines.push('');
    for (const s of report.skipped) {
      lines.push(p.dim(`skipped ${s.apiVersion} ${s.kind} ${s.name} (${s.file}:${s.line}): canary reads Rollouts, AnalysisTemplates, Services and the Deployments workloadRefs name`));
    }
  }
  const read = [
    count(report.read.rollouts.length, 'Rollout'),
    count(report.read.templates.length, 'AnalysisTemplate'),
    count(report.read.services.length, 'Service'),
    // Deployments are read only when a workloadRef names them; otherwise they are skipped as before.
    ...(report.read.deployments.length ? [`${count(report.read.deployments.length, 'Deployment')} (workloadRef)`] : []),
  ].join(', ');
  const problems = `${count(report.errors.length, 'error')}, ${count(report.warnings.length, 'warning')}`;
  const files = count(report.files.length, 'file');
  if (lines.length) lines.push('');
  lines.push(report.errors.length ? p.red(`✖ ${problems} in ${files} (${read})`) : p.green(`✔ ${problems} in ${files} (${read})`));
  return lines.join('\n');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function qualified(ns: string | null, name: string): string {
  return ns ? `${ns}/${name}` : name;
}
