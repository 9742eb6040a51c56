/**
 * Reads files and folders the way `kubectl apply -f` does: a file, or the .yaml/.yml/.json files of a
 * folder (recursively with `recursive`), every document of each. Never throws on bad input: unreadable
 * files, binary content and YAML syntax errors come back as issues with their position.
 */
// Synchronous: a command reads a few small files before anything else, and node:fs/promises costs
// every lint and run ~1 ms of start-up (it loads readline) plus a thread-pool round trip per call.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { issue, type Issue } from './issues.js';
import { noPositions, positionsOf, SourceDoc, type Positions } from './source.js';
import { quotePlaceholders } from './unquoted.js';
import { byCodeUnit } from '../util/compare.js';
import { readYamlSubset } from '../util/yaml-subset.js';

/** Larger manifests are refused: no Rollout needs megabytes, and YAML parsing is not free. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface LoadResult {
  docs: SourceDoc[];
  files: string[];
  issues: Issue[];
}

export async function loadManifests(paths: readonly string[], options: { recursive?: boolean; cwd?: string } = {}): Promise<LoadResult> {
  const result: LoadResult = { docs: [], files: [], issues: [] };
  const cwd = options.cwd ?? process.cwd();
  for (const p of paths) {
    const shown = display(p, cwd);
    let info;
    try {
      info = statSync(p);
    } catch (err) {
      result.issues.push(fileIssue(shown, cannotRead(err)));
      continue;
    }
    if (info.isDirectory()) {
      const files = await listManifestFiles(p, options.recursive ?? false);
      if (files.length === 0) {
        result.issues.push(
          fileIssue(shown, `no .yaml, .yml or .json files in this directory${options.recursive ? '' : ' (use -R to read subdirectories)'}`),
        );
      }
      for (const f of files) await loadFile(f, display(f, cwd), result);
    } else {
      await loadFile(p, shown, result);
    }
  }
  return result;
}

export function parseManifestText(text: string, file: string): { docs: SourceDoc[]; issues: Issue[] } {
  return readSubset(text, file) ?? parseWithLibrary(text, file);
}

/**
 * Manifests written in the YAML most are written in (util/yaml-subset.ts) are read without the YAML
 * library's parser, ~20 ms of `canary lint examples/seed/` to run cold (docs/benchmarks.md, issue 15).
 * The subset has nothing the library would report, so only positions are missing: the library
 * parses the file for them when something in it is reported.
 */
function readSubset(text: string, file: string): { docs: SourceDoc[]; issues: Issue[] } | null {
  const values = readYamlSubset(text);
  if (!values) return null;
  let positions: Positions[] | undefined;
  const positionsAt = (index: number) => (): Positions => {
    if (!positions) {
      const lines = new LineCounter();
      positions = parseDocuments(text, lines).map((doc) => positionsOf(doc, lines));
    }
    return positions[index] ?? noPositions();
  };
  const docs: SourceDoc[] = [];
  // An empty document between `---` markers is skipped as below, its number kept.
  values.forEach((value, index) => {
    if (value !== null) docs.push(new SourceDoc(file, index, value, positionsAt(index)));
  });
  return { docs, issues: [] };
}

/** Every document of the stream; none for an empty one (only comments or whitespace). */
function parseDocuments(text: string, lines: LineCounter): Document.Parsed[] {
  // logLevel 'error': what the yaml package would warn about on stderr is reported as an issue instead.
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' });
  return Array.isArray(parsed) ? parsed : [];
}

/** Every document as the YAML library reads it, with every problem it reports (the subset's reference in its tests). */
export function parseWithLibrary(text: string, file: string): { docs: SourceDoc[]; issues: Issue[] } {
  const lines = new LineCounter();
  const issues: Issue[] = [];
  const docs: SourceDoc[] = [];
  parseDocuments(text, lines).forEach((doc, index) => {
    // The parser's later errors in a document mostly follow from its first: that one is reported.
    const first = doc.errors[0];
    if (first) {
      const pos = lines.linePos(first.pos[0]);
      issues.push({ severity: 'error', file, line: pos.line, col: pos.col, path: '', message: `invalid YAML: ${firstLine(first.message)}` });
      return;
    }
    const unquoted = quotePlaceholders(doc, text, file, lines);
    issues.push(...unquoted.issues);
    if (unquoted.template) return; // a template (Helm...) is not a manifest until rendered
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      const pos = lines.linePos(doc.range[0]);
      issues.push({ severity: 'error', file, line: pos.line, col: pos.col, path: '', message: `invalid YAML: ${firstLine(String((err as Error).message))}` });
      return;
    }
    if (value === null || value === undefined) return; // an empty document between `---` markers
    docs.push(new SourceDoc(file, index, value, positionsOf(doc, lines)));
  });
  return { docs, issues };
}

async function loadFile(path: string, shown: string, result: LoadResult): Promise<void> {
  let buf: Buffer;
  try {
    const info = statSync(path);
    if (info.size > MAX_FILE_BYTES) {
      result.issues.push(fileIssue(shown, `file is ${mib(info.size)}, over the ${mib(MAX_FILE_BYTES)} limit for a manifest: is it the right file?`));
      return;
    }
    buf = readFileSync(path);
  } catch (err) {
    result.issues.push(fileIssue(shown, cannotRead(err)));
    return;
  }
  if (buf.includes(0)) {
    result.issues.push(fileIssue(shown, 'not a text file (it contains NUL bytes): give canary YAML or JSON manifests'));
    return;
  }
  const text = buf.toString('utf8');
  if (text.includes('\uFFFD')) {
    result.issues.push(fileIssue(shown, 'not valid UTF-8: save the manifest as UTF-8 text'));
    return;
  }
  result.files.push(shown);
  const { docs, issues } = parseManifestText(text, shown);
  result.docs.push(...docs);
  result.issues.push(...issues);
}

async function listManifestFiles(dir: string, recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => byCodeUnit(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...(await listManifestFiles(full, true)));
    } else if (MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) {
      out.push(full);
    }
  }
  return out;
}

function fileIssue(file: string, message: string): Issue {
  return issue('error', { file, line: 1, col: 1, path: '' }, message);
}

function cannotRead(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied: cannot read this file';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot read: ${(err as Error)?.message ?? String(err)}`;
  }
}

function display(p: string, cwd: string): string {
  const rel = relative(cwd, p);
  return rel && !rel.startsWith('..') ? rel : p;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MiB`;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
