/**
 * The part of Kubernetes JSONPath that web metrics use: `{$.data.ok}`, `{.items[0].value}`,
 * `{$['a-b'][-1]}`, `{.items[*].x}`. The first match is the result, as in Argo's web provider.
 * Filters, recursive descent and unions are refused with a clear message rather than misread.
 */
import { assertNever } from '../util/assert-never.js';

type Segment = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'all' };

export type JsonPath = { ok: true; segments: Segment[] } | { ok: false; message: string };
export type Selection = { ok: true; value: unknown } | { ok: false; message: string };

export function compileJsonPath(source: string): JsonPath {
  const trimmed = source.trim();
  const braced = /^\{(.*)\}$/s.exec(trimmed);
  if (!braced) return { ok: false, message: `jsonPath ${JSON.stringify(source)} must be written in braces, e.g. {$.data.value}` };
  const expr = braced[1]!.trim();
  const segments: Segment[] = [];
  let i = expr.startsWith('$') ? 1 : 0;
  const unsupported = (why: string): JsonPath => ({ ok: false, message: `jsonPath ${source}: ${why} is not supported; use dot paths and [n] indexes` });
  while (i < expr.length) {
    const c = expr[i];
    if (c === '.') {
      if (expr[i + 1] === '.') return unsupported('recursive descent (..)');
      const m = /^[^.[\]\s]+/.exec(expr.slice(i + 1));
      if (!m) {
        if (i + 1 === expr.length) break; // `{.}` and a trailing dot mean the current node.
        return { ok: false, message: `jsonPath ${source}: expected a field name after "." at offset ${i}` };
      }
      segments.push(m[0] === '*' ? { kind: 'all' } : { kind: 'field', name: m[0] });
      i += 1 + m[0].length;
    } else if (c === '[') {
      const close = expr.indexOf(']', i);
      if (close < 0) return { ok: false, message: `jsonPath ${source}: unclosed "["` };
      const inner = expr.slice(i + 1, close).trim();
      const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
      if (quoted) segments.push({ kind: 'field', name: quoted[1] ?? quoted[2]! });
      else if (inner === '*') segments.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (inner.startsWith('?')) return unsupported('a filter');
      else return unsupported(`[${inner}]`);
      i = close + 1;
    } else {
      return { ok: false, message: `jsonPath ${source}: unexpected ${JSON.stringify(c)} at offset ${i}` };
    }
  }
  return { ok: true, segments };
}

/** The first value the path selects in `data`. */
export function selectFirst(data: unknown, path: readonly Segment[]): Selection {
  let nodes: unknown[] = [data];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const node of nodes) {
      switch (seg.kind) {
        case 'field': {
          if (node === null || typeof node !== 'object' || Array.isArray(node) || !(seg.name in node)) {
            return { ok: false, message: `${seg.name} is not found` };
          }
          next.push((node as Record<string, unknown>)[seg.name]);
          break;
        }
        case 'index': {
          if (!Array.isArray(node)) return { ok: false, message: `[${seg.index}] needs a list, got ${describe(node)}` };
          const i = seg.index < 0 ? node.length + seg.index : seg.index;
          if (i < 0 || i >= node.length) return { ok: false, message: `array index out of bounds: index ${seg.index}, length ${node.length}` };
          next.push(node[i]);
          break;
        }
        case 'all':
          if (Array.isArray(node)) next.push(...node);
          else if (node !== null && typeof node === 'object') next.push(...Object.values(node));
          break;
        default:
          return assertNever(seg, 'jsonPath segment');
      }
    }
    nodes = next;
  }
  if (nodes.length === 0) return { ok: false, message: 'result of web metric produced no value' };
  return { ok: true, value: nodes[0] };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return typeof v;
}
