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

/** Where a document's values are in its file: the YAML library's nodes and the file's line starts. */
export interface Positions {
  lines: LineCounter;
  /** Offset of the document's start, where a value with no node of its own is reported. */
  start: number;
  root: YamlNode | null;
}

export class SourceDoc implements Locator {
  private indexed: { spans: Map<string, Span>; lines: LineCounter; start: number } | null = null;

  constructor(
    readonly file: string,
    /** 0-based position of this document in its file. */
    readonly index: number,
    /** The document as plain JS data. */
    readonly value: unknown,
    /**
     * The positions, or how to find them: a document read without the YAML library (load.ts) parses
     * its file with the library only when something in it is reported.
     */
    private readonly positions: Positions | (() => Positions),
  ) {}

  /** Location of the value at `path`; falls back to the nearest ancestor that exists in the source. */
  locOf(path: Path, prefer: 'key' | 'value' = 'value'): Loc {
    return this.locAt(pathToString(path), prefer);
  }

  /**
   * Like locOf, for a path already in string form; falls back to the nearest ancestor. Before the
   * positions are known, line and col are found when first read: readers keep a Loc for every
   * object they read, and most are never reported.
   */
  locAt(path: string, prefer: 'key' | 'value' = 'value'): Loc {
    if (this.indexed) return { file: this.file, ...this.position(path, prefer), path };
    let pos: { line: number; col: number } | undefined;
    const at = () => (pos ??= this.position(path, prefer));
    return {
      file: this.file,
      get line() {
        return at().line;
      },
      get col() {
        return at().col;
      },
      path,
    };
  }

  private position(path: string, prefer: 'key' | 'value'): { line: number; col: number } {
    const { spans, lines, start } = this.located();
    for (let p = path; ; p = parentPath(p)) {
      const span = spans.get(p);
      if (span) return lines.linePos(prefer === 'key' && span.key !== undefined && p === path ? span.key : span.value);
      if (p === '') return lines.linePos(start);
    }
  }

  private located(): { spans: Map<string, Span>; lines: LineCounter; start: number } {
    if (!this.indexed) {
      const { lines, start, root } = typeof this.positions === 'function' ? this.positions() : this.positions;
      this.indexed = { spans: new Map(), lines, start };
      if (root) indexNode(this.indexed.spans, start, root, []);
    }
    return this.indexed;
  }
}

/** Records where the value at `path` and everything under it start. */
function indexNode(spans: Map<string, Span>, start: number, node: YamlNode, path: PathSeg[], keyOffset?: number): void {
  const valueOffset = node.range?.[0] ?? keyOffset ?? start;
  spans.set(pathToString(path), { ...(keyOffset !== undefined ? { key: keyOffset } : {}), value: valueOffset });
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlNode | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : keyNode ? String(keyNode) : '';
      const kOff = keyNode?.range?.[0] ?? valueOffset;
      const v = item.value as YamlNode | null;
      if (v && typeof v === 'object' && 'range' in v) indexNode(spans, start, v, [...path, key], kOff);
      else spans.set(pathToString([...path, key]), { key: kOff, value: kOff });
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const v = item as YamlNode | null;
      if (v && typeof v === 'object' && 'range' in v) indexNode(spans, start, v, [...path, i]);
    });
  }
}

/** For a document read without positions: every location reads as its first line. */
export function noPositions(): Positions {
  const lines = new LineCounter();
  lines.addNewLine(0);
  return { lines, start: 0, root: null };
}

/** The positions of a document the YAML library parsed. */
export function positionsOf(doc: Document.Parsed, lines: LineCounter): Positions {
  return { lines, start: doc.range[0], root: (doc.contents as YamlNode | null) ?? null };
}
