/**
 * How a run's manifests are written into its ConfigMap and read back. Each document is JSON (which is
 * YAML, so any reader of the key still reads it), separated by `---` lines: read back with JSON.parse
 * alone, `canary status` never starts the YAML parser, whose first use costs a one-shot status about
 * as much as its reads from the API server (docs/benchmarks.md). A document JSON cannot carry exactly
 * (a non-finite number) is written as YAML, and a record written so, or by an earlier canary, is read
 * through the YAML parser as before.
 */
import { stringify } from 'yaml';
import { readDocuments } from './documents.js';
import { parseManifestText } from './load.js';
import type { Issue } from './issues.js';
import { noPositions, SourceDoc } from './source.js';
import type { SpecSet } from './types.js';

const SEPARATOR = '\n---\n';
const FILE = '<stored manifests>';

export function storedText(docs: readonly unknown[]): string {
  return docs.map((d) => (jsonExact(d) ? JSON.stringify(d, null, 2) : stringify(d, { lineWidth: 0 }).replace(/\n$/, ''))).join(SEPARATOR) + '\n';
}

/** The stored manifests read as a run stored them, not validated again (issues only from reading). */
export function readStoredSpec(text: string): { spec: SpecSet; issues: Issue[] } {
  const { docs, issues } = readStoredText(text, FILE);
  return { spec: readDocuments(docs, [FILE], issues, { stored: true }).spec, issues };
}

/** The stored documents, with positions only when they had to be read as YAML. */
export function readStoredText(text: string, file: string): { docs: SourceDoc[]; issues: Issue[] } {
  const values = jsonDocuments(text);
  if (!values) return parseManifestText(text, file);
  // No positions: every location reads as the record's first line.
  return { docs: values.map((value, index) => new SourceDoc(file, index, value, noPositions())), issues: [] };
}

/** Every document as JSON data, or null if any one is not JSON. */
function jsonDocuments(text: string): unknown[] | null {
  const out: unknown[] = [];
  for (const part of text.split(SEPARATOR)) {
    const trimmed = part.trim();
    if (!trimmed.startsWith('{')) return null;
    try {
      out.push(JSON.parse(trimmed));
    } catch {
      return null;
    }
  }
  return out;
}

/** Plain data JSON round-trips unchanged: no NaN or Infinity (JSON writes null), nothing but objects, arrays and scalars. */
function jsonExact(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(jsonExact);
      return isPlainObject(value) && Object.values(value).every(jsonExact);
    default:
      return false;
  }
}

/** An object literal's kind, from any realm (structuredClone's copies come from Node's own). */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}
