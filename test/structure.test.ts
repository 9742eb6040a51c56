/**
 * The shape of src/ (docs/development.md, "Layers"): layers point one way, and what belongs to a
 * router is said only by the router. Read from the source with the TypeScript parser, as the
 * start-up test reads the import graph.
 */
import { relative } from 'node:path';
import ts from 'typescript';
import { ROUTERS } from '../src/routing/registry.js';
import { folderOf, importsOf, loadedWith, parse, sourceFiles, SRC } from './support/import-graph.js';

const FILES = sourceFiles();

/** Imports from one folder of src/ into another, type-only and lazy ones included: `kube -> engine`. */
function folderEdges(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of FILES) {
    for (const i of importsOf(file)) {
      if (!i.file || folderOf(i.file) === folderOf(file)) continue;
      const key = `${folderOf(file)} -> ${folderOf(i.file)}`;
      edges.set(key, [...(edges.get(key) ?? []), `${relative(SRC, file)} imports ${relative(SRC, i.file)}`]);
    }
  }
  return edges;
}

/** Every string a file spells out (literals and template text), with its line. */
function stringsOf(file: string): { text: string; line: number }[] {
  const sf = parse(file);
  const out: { text: string; line: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      // Module specifiers name files, not routers.
      if (!(ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent))) {
        out.push({ text: node.text, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Functions (declarations, methods, arrows) longer than `max` lines, nested ones measured on their own. */
function longFunctions(file: string, max: number): string[] {
  const sf = parse(file);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const lines = sf.getLineAndCharacterOfPosition(node.getEnd()).line + 2 - first;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
      if (lines > max) out.push(`${relative(SRC, file)}:${first}: ${name} is ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('structure of src/', () => {
  const edges = folderEdges();
  const from = (folder: string, to: readonly string[]) => [...edges].filter(([k]) => to.some((t) => k === `${folder} -> ${t}`)).flatMap(([, why]) => why);

  it('no import cycle between folders (type-only and lazy imports count)', () => {
    const next = new Map<string, string[]>();
    for (const key of edges.keys()) {
      const [a, b] = key.split(' -> ') as [string, string];
      next.set(a, [...(next.get(a) ?? []), b]);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (folder: string, path: string[]) => {
      if (state.get(folder) === 'done') return;
      if (state.get(folder) === 'open') {
        const cycle = [...path.slice(path.indexOf(folder)), folder];
        cycles.push(`${cycle.join(' -> ')} (${edges.get(`${cycle.at(-2)} -> ${folder}`)![0]})`);
        return;
      }
      state.set(folder, 'open');
      for (const to of next.get(folder) ?? []) visit(to, [...path, folder]);
      state.set(folder, 'done');
    };
    for (const folder of next.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  it('commands/ and the renderers do not import cli/: cli/ imports them, and both speak contract/', () => {
    expect(['commands', 'output', 'status'].flatMap((f) => from(f, ['cli']))).toEqual([]);
  });

  it('kube/ is the client layer: it imports no router, provider, wiring or command', () => {
    expect(from('kube', ['routing', 'providers', 'wiring', 'commands', 'cli'])).toEqual([]);
  });

  it('the pure core (engine, analysis, manifests, expr, status) loads neither client-node, axios, chalk nor ora', () => {
    const core = FILES.filter((f) => ['engine', 'analysis', 'manifests', 'expr', 'status'].includes(folderOf(f)));
    const heavy = core.flatMap((f) => [...loadedWith(f).packages].filter((p) => ['@kubernetes/client-node', 'axios', 'chalk', 'ora'].includes(p)).map((p) => `${relative(SRC, f)} loads ${p}`));
    expect(heavy).toEqual([]);
  });

  it('no function in src/engine is over 100 lines', () => {
    expect(FILES.filter((f) => folderOf(f) === 'engine').flatMap((f) => longFunctions(f, 100))).toEqual([]);
  });

  it('router kinds and the objects routers write are named only in src/routing and the manifest parser', () => {
    const names = Object.values(ROUTERS).flatMap((r) => (r.objectKind ? [r.kind, r.objectKind] : []));
    expect(names).toEqual(expect.arrayContaining(['smi', 'TrafficSplit', 'gatewayAPI', 'HTTPRoute']));
    const word = new RegExp(`\\b(${names.join('|')})\\b`);
    const found = FILES.filter((f) => !['routing', 'manifests'].includes(folderOf(f))).flatMap((f) =>
      stringsOf(f)
        .filter((s) => word.test(s.text))
        .map((s) => `${relative(SRC, f)}:${s.line}: ${s.text}`),
    );
    expect(found).toEqual([]);
  });
});
