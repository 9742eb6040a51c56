/**
 * Unquoted `{{...}}` in YAML. `key: {{args.x}}` is a flow mapping whose key is another mapping, not
 * the text Argo substitutes (and Kubernetes would refuse the object). Each placeholder is reported
 * where it is written and read on as the quoted text, so that nothing downstream complains about a
 * mapping where a string belongs. Other `{{ ... }}` (Helm, Go templates) mean the file is a template
 * to render first: reported once per document, which is then not read. Any other mapping or list used
 * as a key is reported too (Kubernetes objects have text keys).
 */
import { isMap, isPair, isScalar, isSeq, Scalar, visit, type Document, type LineCounter } from 'yaml';
import { issue, type Issue } from './issues.js';
import { pathToString, type PathSeg } from './source.js';

const PLACEHOLDER = /^\{\{[^{}]*\}\}$/;
const ARG = /^\{\{\s*args\./;

export function quotePlaceholders(doc: Document.Parsed, text: string, file: string, lines: LineCounter): { issues: Issue[]; template: boolean } {
  const issues: Issue[] = [];
  const templateLines: number[] = [];
  let template: Issue | null = null;
  const at = (offset: number, path: readonly PathSeg[], message: string): Issue => {
    const { line, col } = lines.linePos(offset);
    return issue('error', { file, line, col, path: pathToString(path) }, message);
  };
  visit(doc, {
    Map(_key, node, ancestors) {
      if (!node.flow || !node.range) return undefined;
      const source = text.slice(node.range[0], node.range[1]);
      if (!PLACEHOLDER.test(source)) return undefined;
      if (ARG.test(source)) {
        issues.push(at(node.range[0], pathOf(ancestors, node), `${source} without quotes is a YAML mapping, not text: quote it: "${source}"`));
      } else if (template) {
        templateLines.push(lines.linePos(node.range[0]).line);
      } else {
        template = at(node.range[0], pathOf(ancestors, node), `${source} is a template expression, which YAML reads as a mapping: render the template first (e.g. helm template)`);
      }
      const quoted = new Scalar(source);
      quoted.range = node.range;
      return quoted;
    },
    Pair(_key, pair, ancestors) {
      if (!isMap(pair.key) && !isSeq(pair.key)) return;
      const offset = pair.key.range?.[0] ?? 0;
      issues.push(at(offset, pathOf(ancestors, pair), `a ${isMap(pair.key) ? 'mapping' : 'list'} is used as a key here: Kubernetes manifests have text keys (quote it if it is meant as text)`));
    },
  });
  if (template) {
    const t: Issue = template;
    if (templateLines.length) t.message += ` (${templateLines.length} more in this document, lines ${templateLines.join(', ')})`;
    issues.push(t);
  }
  return { issues, template: template !== null };
}

/** The field path of `node` from the visitor's ancestors (document, collections and pairs). */
function pathOf(ancestors: readonly unknown[], node: unknown): PathSeg[] {
  const chain = [...ancestors, node];
  const out: PathSeg[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isPair(parent) && parent.value === child) out.push(isScalar(parent.key) ? String(parent.key.value) : String(parent.key));
    else if (isSeq(parent)) out.push(parent.items.indexOf(child as never));
  }
  return out;
}
