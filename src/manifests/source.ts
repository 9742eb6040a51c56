/**
 * One YAML document with its source positions. Positions are looked up by field path, so that
 * every later stage can report `file:line:col` for a value without carrying YAML nodes around.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node as YamlNode } from 'yaml';
import type { Loc, Locator } from './issues.js';

export type PathSeg = string | number;
export type Path = readonly PathSeg[];

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec.strategy.canary.steps[2].setWeight`; odd keys quoted: `metadata.labels["app.kubernetes.io/name"]`. */
export function pathToString(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (SIMPLE_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** `a.b[2]` -> `a.b`, `a["x.y"]` -> `a`, `a` -> ``. */
export function parentPath(p: string): string {
  const m = /(\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/.exec(p);
  return m ? p.slice(0, m.index) : '';
}

interface Span {
  key?: number; // offset of the mapping key, when the value sits under one
  value: number; // offset of the value itself
}

export class SourceDoc implements Locator {
  private readonly spans = new Map<string, Span>();

  constructor(
    readonly file: string,
    /** 0-based position of this document in its file. */
    readonly index: number,
    /** The document as plain JS data. */
    readonly value: unknown,
    private readonly lines: LineCounter,
    private readonly start: number,
    root: YamlNode | null,
  ) {
    if (root) this.index_(root, []);
  }

  /** Location of the value at `path`; falls back to the nearest ancestor that exists in the source. */
  locOf(path: Path, prefer: 'key' | 'value' = 'value'): Loc {
    for (let n = path.length; n >= 0; n--) {
      const span = this.spans.get(pathToString(path.slice(0, n)));
      if (span) {
        const offset = prefer === 'key' && span.key !== undefined && n === path.length ? span.key : span.value;
        const { line, col } = this.lines.linePos(offset);
        return { file: this.file, line, col, path: pathToString(path) };
      }
    }
    const { line, col } = this.lines.linePos(this.start);
    return { file: this.file, line, col, path: pathToString(path) };
  }

  /** Like locOf, for a path already in string form; falls back to the nearest ancestor. */
  locAt(path: string, prefer: 'key' | 'value' = 'value'): Loc {
    let p = path;
    for (;;) {
      const span = this.spans.get(p);
      if (span) {
        const offset = prefer === 'key' && span.key !== undefined && p === path ? span.key : span.value;
        const { line, col } = this.lines.linePos(offset);
        return { file: this.file, line, col, path };
      }
      if (p === '') break;
      p = parentPath(p);
    }
    const { line, col } = this.lines.linePos(this.start);
    return { file: this.file, line, col, path };
  }

  private index_(node: YamlNode, path: PathSeg[], keyOffset?: number): void {
    const valueOffset = node.range?.[0] ?? keyOffset ?? this.start;
    this.spans.set(pathToString(path), { ...(keyOffset !== undefined ? { key: keyOffset } : {}), value: valueOffset });
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const keyNode = item.key as YamlNode | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : keyNode ? String(keyNode) : '';
        const kOff = keyNode?.range?.[0] ?? valueOffset;
        const v = item.value as YamlNode | null;
        if (v && typeof v === 'object' && 'range' in v) this.index_(v, [...path, key], kOff);
        else this.spans.set(pathToString([...path, key]), { key: kOff, value: kOff });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const v = item as YamlNode | null;
        if (v && typeof v === 'object' && 'range' in v) this.index_(v, [...path, i]);
      });
    }
  }
}

export function makeSourceDoc(file: string, index: number, doc: Document.Parsed, lines: LineCounter, value: unknown): SourceDoc {
  const root = (doc.contents as YamlNode | null) ?? null;
  return new SourceDoc(file, index, value, lines, doc.range[0], root);
}
