/**
 * The YAML that kubectl, kind, minikube and the clouds' CLIs write into kubeconfig files, read
 * without the YAML library. Every command that talks to a cluster reads a kubeconfig. Loading the
 * library and its code cache for that was about 8 ms of `canary status` (docs/benchmarks.md, issue 15).
 *
 * The subset is block mappings and sequences of scalars on one line each:
 * - plain scalars resolved as YAML 1.2's core schema (null, booleans, decimal integers, strings);
 * - single- and double-quoted scalars (common escapes);
 * - `{}` and `[]`;
 * - comments.
 *
 * Anything else returns null and the caller parses with the YAML library: anchors, tags, block
 * scalars, flow collections with content, multi-line scalars, floats and other number forms,
 * duplicate keys, tabs in indentation, several documents, or a line it does not read. The library
 * then gives the same value or its own error. The tests compare the two on real kubeconfigs and on
 * thousands of mutations of them (test/kube/kubeconfig-yaml.test.ts).
 */

type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  text: string;
}

/** A bail-out: the text is outside the subset. */
class Outside extends Error {}

/** The document's value, or null when the text is outside the subset (parse it with the YAML library). */
export function parseKubeconfigYaml(text: string): Record<string, Value> | null {
  try {
    const lines = linesOf(text);
    if (lines.length === 0 || lines[0]!.indent !== 0) return null;
    const reader = new Reader(lines);
    const doc = reader.block(0);
    if (!reader.done() || doc === null || typeof doc !== 'object' || Array.isArray(doc)) return null;
    return doc;
  } catch (err) {
    if (err instanceof Outside) return null;
    throw err;
  }
}

function linesOf(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (raw.includes('\r')) throw new Outside();
    const body = raw.replace(/^ */, '');
    if (body === '' || body.startsWith('#')) continue;
    // Tabs in indentation, directives and document markers are the library's to judge.
    if (/^\s/.test(body) || body.startsWith('%') || /^(---|\.\.\.)(\s|$)/.test(body)) throw new Outside();
    out.push({ indent: raw.length - body.length, text: body.replace(/[ \t]+$/, '') });
  }
  return out;
}

class Reader {
  private i = 0;

  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.i >= this.lines.length;
  }

  /** The block starting at the current line, which is indented by `indent`. */
  block(indent: number): Value {
    const line = this.peek();
    if (!line || line.indent !== indent) throw new Outside();
    return isEntry(line.text) ? this.sequence(indent) : this.mapping(indent);
  }

  private peek(): Line | undefined {
    return this.lines[this.i];
  }

  private mapping(indent: number): { [key: string]: Value } {
    const map: { [key: string]: Value } = {};
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent || isEntry(line.text)) throw new Outside();
      const { key, rest } = splitKey(line.text);
      if (Object.prototype.hasOwnProperty.call(map, key) || key === '__proto__' || key === '<<') throw new Outside();
      this.i++;
      map[key] = rest === '' ? this.nested(indent) : this.inline(rest, indent);
    }
    return map;
  }

  private sequence(indent: number): Value[] {
    const seq: Value[] = [];
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent) throw new Outside();
      // A key at the sequence's indent: the sequence was the value of the key before it (`key:\n- a`).
      if (!isEntry(line.text)) break;
      const rest = line.text.slice(1).replace(/^ +/, '');
      if (rest === '') {
        this.i++;
        seq.push(this.nested(indent, true));
      } else if (startsMapping(rest)) {
        // `- key: value`: a mapping whose lines are indented as far as its first key.
        this.lines[this.i] = { indent: line.indent + (line.text.length - rest.length), text: rest };
        seq.push(this.mapping(this.lines[this.i]!.indent));
      } else {
        this.i++;
        seq.push(this.inline(rest, indent));
      }
    }
    return seq;
  }

  /** The value of `key:` or `-` with nothing after it: a deeper block, a sequence at the key's own indent, or null. */
  private nested(indent: number, entry = false): Value {
    const next = this.peek();
    if (!next || next.indent < indent) return null;
    if (next.indent > indent) return this.block(next.indent);
    return !entry && isEntry(next.text) ? this.sequence(indent) : null;
  }

  /** A value on the key's line; nothing may continue it on deeper lines. */
  private inline(text: string, indent: number): Value {
    const next = this.peek();
    if (next && next.indent > indent) throw new Outside();
    return scalar(text);
  }
}

function isEntry(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** `key: ...` or `key:`, with a plain or quoted key. */
function startsMapping(text: string): boolean {
  try {
    splitKey(text);
    return true;
  } catch {
    return false;
  }
}

function splitKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: string;
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = quoted(text);
    key = q.value;
    after = q.rest;
  } else {
    const m = /^([A-Za-z0-9_][A-Za-z0-9_.\/-]*):(?= |$)/.exec(text);
    if (!m) throw new Outside();
    key = m[1]!;
    // A key the core schema reads as null, a boolean or a number.
    if (resolvePlain(key) !== key) throw new Outside();
    after = text.slice(key.length);
  }
  if (!after.startsWith(':') || (after.length > 1 && after[1] !== ' ')) throw new Outside();
  return { key, rest: stripComment(after.slice(1).trim()) };
}

function stripComment(text: string): string {
  if (text.startsWith('#')) return '';
  if (text.startsWith('"') || text.startsWith("'")) return text;
  const at = text.search(/ +#/);
  return at === -1 ? text : text.slice(0, at);
}

function scalar(text: string): Value {
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = quoted(text);
    if (q.rest !== '' && !/^ +#/.test(q.rest)) throw new Outside();
    return q.value;
  }
  // Indicators that open something other than a plain scalar, or a plain scalar YAML refuses.
  if (/^[\[\]{}#&*!|>%@`,?:]/.test(text) || /^-(\s|$)/.test(text) || text.includes(': ') || text.endsWith(':') || text.includes(' #')) throw new Outside();
  return resolvePlain(text);
}

const NULLS = new Set(['~', 'null', 'Null', 'NULL']);
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

/** YAML 1.2's core schema for a plain scalar, as far as kubeconfigs go: other number forms are the library's. */
function resolvePlain(text: string): Value {
  if (NULLS.has(text)) return null;
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new Outside();
    return n;
  }
  const numeric = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text) || /^[-+]?\.(inf|Inf|INF)$/.test(text) || /^\.(nan|NaN|NAN)$/.test(text) || /^0o[0-7]+$/.test(text) || /^0x[0-9a-fA-F]+$/.test(text);
  if (numeric) throw new Outside();
  return text;
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };

/** A quoted scalar that ends on its line, and what follows it there. */
function quoted(text: string): { value: string; rest: string } {
  const q = text[0]!;
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (q === "'") {
      if (c !== "'") value += c;
      else if (text[i + 1] === "'") {
        value += "'";
        i++;
      } else return { value, rest: text.slice(i + 1) };
    } else if (c === '"') {
      return { value, rest: text.slice(i + 1) };
    } else if (c === '\\') {
      const e = text[++i];
      if (e === undefined) throw new Outside();
      if (ESCAPES[e] !== undefined) value += ESCAPES[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
        value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
        i += 4;
      } else throw new Outside();
    } else {
      value += c;
    }
  }
  // Not closed on this line: a multi-line scalar.
  throw new Outside();
}
