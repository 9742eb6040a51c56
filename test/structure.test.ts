/**
 * The shape of src/ (docs/development.md, "Layers"): layers point one way, and what belongs to a
 * router is said only by the router. Read from the source with the TypeScript parser, as the
 * start-up test reads the import graph.
 */
import { relative } from 'node:path';
import ts from 'typescript';
import { ROUTERS } from '../src/routing/registry.js';
import { folderOf, parse, sourceFiles, SRC } from './support/import-graph.js';

const FILES = sourceFiles();

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

describe('structure of src/', () => {
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
