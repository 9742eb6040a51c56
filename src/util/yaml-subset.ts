/**
 * The YAML people and tools write for kubeconfigs and Kubernetes manifests, read without the YAML
 * library. Running the library's parser cold was about 8 ms of `canary status` (its kubeconfig) and
 * 20 ms of `canary lint examples/seed/` (docs/benchmarks.md, issue 15).
 *
 * The subset:
 * - documents separated by `---` lines, each a block mapping (or empty);
 * - block mappings and sequences whose scalars each fit on one line;
 * - plain scalars resolved as YAML 1.2's core schema (null, booleans, decimal integers, strings);
 * - single- and double-quoted scalars (common escapes);
 * - flow mappings and sequences of scalars on one line (`{duration: 30s}`, `["--port", "8080"]`);
 * - comments.
 *
 * Anything else returns null and the caller parses with the YAML library: anchors, tags, block
 * scalars, nested or multi-line flow collections, multi-line scalars, floats and other number forms,
 * duplicate keys, tabs in indentation, directives, a document that is not a mapping, or a line it
 * does not read. The library then gives the same values or its own error. The tests compare the two
 * on real kubeconfigs and manifests and on thousands of mutations of them
 * (test/util/yaml-subset.test.ts).
 */

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
}

/** A bail-out: the text is outside the subset. */
class Outside extends Error {}

/**
 * Every document of the stream in order, null for an empty one (between two `---`), as the library's
 * parseAllDocuments numbers them; or null when the text is outside the subset.
 */
export function readYamlSubset(text: string): YamlValue[] | null {
  try {
    return documentsOf(text).map((lines) => {
      if (lines.length === 0) return null;
      if (lines[0]!.indent !== 0) throw new Outside();
      const reader = new Reader(lines);
      const doc = reader.block(0);
      if (!reader.done() || doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Outside();
      return doc;
    });
  } catch (err) {
    if (err instanceof Outside) return null;
    throw err;
  }
}

/** The content lines of each document. Comments and blank lines before the first `---` open no document. */
function documentsOf(text: string): Line[][] {
  const docs: Line[][] = [];
  let current: Line[] = [];
  let started = false;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (raw.includes('\r')) throw new Outside();
    const body = raw.replace(/^ */, '');
    if (body === '' || body.startsWith('#')) continue;
    if (/^---[ \t]*$/.test(body) && body === raw) {
      if (started || current.length > 0) docs.push(current);
      current = [];
      started = true;
      continue;
    }
    // Tabs in indentation, directives, `...` and content after `---` are the library's to judge.
    if (/^\s/.test(body) || body.startsWith('%') || /^(---|\.\.\.)(\s|$)/.test(body)) throw new Outside();
    current.push({ indent: raw.length - body.length, text: body.replace(/[ \t]+$/, '') });
  }
  if (started || current.length > 0) docs.push(current);
  return docs;
}

class Reader {
  private i = 0;

  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.i >= this.lines.length;
  }

  /** The block starting at the current line, which is indented by `indent`. */
  block(indent: number): YamlValue {
    const line = this.peek();
    if (!line || line.indent !== indent) throw new Outside();
    return isEntry(line.text) ? this.sequence(indent) : this.mapping(indent);
  }

  private peek(): Line | undefined {
    return this.lines[this.i];
  }

  private mapping(indent: number): { [key: string]: YamlValue } {
    const map: { [key: string]: YamlValue } = {};
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent > indent || isEntry(line.text)) throw new Outside();
      const { key, rest } = splitKey(line.text);
      addKey(map, key);
      this.i++;
      map[key] = rest === '' ? this.nested(indent) : this.inline(rest, indent);
    }
    return map;
  }

  private sequence(indent: number): YamlValue[] {
    const seq: YamlValue[] = [];
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
  private nested(indent: number, entry = false): YamlValue {
    const next = this.peek();
    if (!next || next.indent < indent) return null;
    if (next.indent > indent) return this.block(next.indent);
    return !entry && isEntry(next.text) ? this.sequence(indent) : null;
  }

  /** A value on the key's line; nothing may continue it on deeper lines. */
  private inline(text: string, indent: number): YamlValue {
    const next = this.peek();
    if (next && next.indent > indent) throw new Outside();
    if (text.startsWith('{') || text.startsWith('[')) return flow(text);
    return scalar(text);
  }
}

function isEntry(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** A new key of `map`; keys that YAML or JavaScript would read otherwise are the library's. */
function addKey(map: object, key: string): void {
  // YAML limits an implicit key to 1024 characters, which the library enforces in strict mode.
  if (Object.prototype.hasOwnProperty.call(map, key) || key === '__proto__' || key === '<<' || key.length > 1000) throw new Outside();
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

const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\/-]*/;

function splitKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: string;
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = quoted(text);
    key = q.value;
    after = q.rest;
  } else {
    key = plainKey(text);
    after = text.slice(key.length);
  }
  if (!after.startsWith(':') || (after.length > 1 && after[1] !== ' ')) throw new Outside();
  return { key, rest: stripComment(after.slice(1).trim()) };
}

/** The plain key at the start of `text`, which must be followed by `:`. */
function plainKey(text: string): string {
  const key = PLAIN_KEY.exec(text)?.[0];
  // A key the core schema reads as null, a boolean or a number.
  if (!key || text[key.length] !== ':' || resolvePlain(key) !== key) throw new Outside();
  return key;
}

function stripComment(text: string): string {
  if (text.startsWith('#')) return '';
  if (text.startsWith('"') || text.startsWith("'")) return text;
  const at = text.search(/ +#/);
  return at === -1 ? text : text.slice(0, at);
}

/**
 * A flow mapping or sequence on one line whose entries are scalars: `{duration: 30s}`, `{ a: 1 }`,
 * `["--port", "8080"]`, `{}`. Nested collections, quoted keys, entries without a value and a comma
 * before the closing bracket are the library's.
 */
function flow(text: string): YamlValue {
  const close = text[0] === '{' ? '}' : ']';
  const map: { [key: string]: YamlValue } = {};
  const seq: YamlValue[] = [];
  let i = skipSpaces(text, 1);
  if (text[i] !== close) {
    for (;;) {
      let key: string | undefined;
      if (close === '}') {
        key = plainKey(text.slice(i));
        if (text[i + key.length + 1] !== ' ') throw new Outside();
        addKey(map, key);
        i = skipSpaces(text, i + key.length + 1);
      }
      const entry = flowScalar(text, i, close);
      if (key === undefined) seq.push(entry.value);
      else map[key] = entry.value;
      i = skipSpaces(text, entry.end);
      if (text[i] === close) break;
      if (text[i] !== ',') throw new Outside();
      i = skipSpaces(text, i + 1);
      if (text[i] === close) throw new Outside();
    }
  }
  const rest = text.slice(i + 1);
  if (rest !== '' && !/^ +#/.test(rest)) throw new Outside();
  return close === '}' ? map : seq;
}

function skipSpaces(text: string, i: number): number {
  while (text[i] === ' ') i++;
  return i;
}

/** A quoted or plain scalar in a flow collection starting at `i`, and where it ends. */
function flowScalar(text: string, i: number, close: string): { value: YamlValue; end: number } {
  const from = text.slice(i);
  if (from.startsWith('"') || from.startsWith("'")) {
    const q = quoted(from);
    return { value: q.value, end: text.length - q.rest.length };
  }
  let end = i;
  while (end < text.length && text[end] !== ',' && text[end] !== close) end++;
  const plain = text.slice(i, end).replace(/ +$/, '');
  // In a flow collection a plain scalar ends at a flow indicator; `: ` would make it a pair.
  if (plain === '' || /[{}\[\]\t]/.test(plain)) throw new Outside();
  return { value: scalar(plain), end };
}

function scalar(text: string): YamlValue {
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

/** YAML 1.2's core schema for a plain scalar, as far as these files go: other number forms are the library's. */
function resolvePlain(text: string): YamlValue {
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
