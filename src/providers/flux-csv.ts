/**
 * InfluxDB's annotated CSV (the answer of POST /api/v2/query with the dialect's datatype, group and
 * default annotations), read as influxdb-client-go reads it: tables introduced by `#` annotation
 * rows, a header row, records typed by `#datatype` with `#default` filling empty cells, and an
 * `error,reference` table turned into the error it carries. Pure.
 */
import { ExprDuration, ExprTime } from '../expr/index.js';
import { parseGoDuration } from '../expr/go-duration.js';

export type FluxRecord = Record<string, unknown>;
export type FluxAnswer = { ok: true; records: FluxRecord[] } | { ok: false; message: string };

export function readAnnotatedCsv(text: string): FluxAnswer {
  const records: FluxRecord[] = [];
  let types: string[] = [];
  let defaults: string[] = [];
  let names: string[] | null = null;
  let inAnnotations = false;
  let error = false;
  for (const row of csvRows(text)) {
    if (row.length <= 1) continue;
    const first = row[0]!;
    if (first.startsWith('#')) {
      if (!inAnnotations) {
        types = [];
        defaults = [];
        names = null;
        inAnnotations = true;
      }
      if (first === '#datatype') types = row.slice(1);
      else if (first === '#default') defaults = row.slice(1);
      continue;
    }
    if (first !== '') continue;
    if (inAnnotations) {
      if (types.length === 0) return { ok: false, message: 'parsing error, datatype annotation not found' };
      inAnnotations = false;
      error = row[1] === 'error';
      names = row.slice(1);
      continue;
    }
    if (!names) return { ok: false, message: 'parsing error, annotations not found' };
    if (row.length - 1 !== names.length) return { ok: false, message: `parsing error, row has different number of columns than the table: ${row.length - 1} vs ${names.length}` };
    if (error) return { ok: false, message: `${row[1] || 'unknown query error'}${row[2] ? `,${row[2]}` : ''}` };
    const record: FluxRecord = {};
    for (const [i, name] of names.entries()) {
      const cell = row[i + 1] === '' ? (defaults[i] ?? '') : row[i + 1]!;
      const value = toValue(cell, types[i] ?? '', name);
      if (!value.ok) return value;
      record[name] = value.value;
    }
    records.push(record);
  }
  return { ok: true, records };
}

type Cell = { ok: true; value: unknown } | { ok: false; message: string };

function toValue(s: string, type: string, name: string): Cell {
  if (s === '') return { ok: true, value: null };
  const bad = (what: string): Cell => ({ ok: false, message: `${name}: ${JSON.stringify(s)} is not a valid ${what}` });
  switch (type) {
    case 'string':
      return { ok: true, value: s };
    case 'double': {
      const v = s === '+Inf' || s === 'Inf' ? Infinity : s === '-Inf' ? -Infinity : s === 'NaN' ? NaN : Number(s);
      return Number.isNaN(v) && s !== 'NaN' ? bad('double') : { ok: true, value: v };
    }
    case 'long':
      return /^[-+]?\d+$/.test(s) ? { ok: true, value: BigInt.asIntN(64, BigInt(s)) } : bad('long');
    case 'unsignedLong':
      return /^\+?\d+$/.test(s) ? { ok: true, value: BigInt.asUintN(64, BigInt(s)) } : bad('unsignedLong');
    case 'boolean':
      return { ok: true, value: s.toLowerCase() !== 'false' };
    case 'dateTime:RFC3339':
    case 'dateTime:RFC3339Nano': {
      const ns = rfc3339Nanos(s);
      return ns === null ? bad('time') : { ok: true, value: new ExprTime(ns) };
    }
    case 'duration': {
      const d = parseGoDuration(s);
      return d.ok ? { ok: true, value: new ExprDuration(d.ns) } : bad('duration');
    }
    case 'base64Binary':
      return { ok: true, value: new Uint8Array(Buffer.from(s, 'base64')) };
    default:
      return { ok: false, message: `${name} has unknown data type ${type}` };
  }
}

/** `2020-02-18T22:08:44.850214724Z` (or with an offset) in nanoseconds since the epoch, keeping every digit. */
function rfc3339Nanos(s: string): bigint | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** RFC 4180 rows: quoted fields may hold commas, newlines and doubled quotes. */
function* csvRows(text: string): Generator<string[]> {
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      yield row;
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    yield row;
  }
}
