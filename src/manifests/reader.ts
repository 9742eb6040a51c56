/**
 * A cursor over one document's plain data that knows where each value sits in the source.
 * Typed accessors report a problem (with file:line:col and path) and return null instead of throwing,
 * so that one pass collects every issue.
 */
import { describe } from './describe.js';
import { issue, type Issue, type Loc } from './issues.js';
import { isTemplated, parseDurationField, parseIntField, type IntRule } from './numbers.js';
import { pathToString, type Path, type SourceDoc } from './source.js';
import { suggest } from './suggest.js';

export interface FieldRule {
  /** Fields read and implemented. */
  known: readonly string[];
  /** Fields of the Argo schema canary does not implement: an error naming the field and why. */
  unsupported?: Readonly<Record<string, string>>;
  /** Fields accepted and ignored on purpose (output-only, or meaningless here): a warning saying so. */
  ignored?: Readonly<Record<string, string>>;
}

export class Reader {
  constructor(
    readonly doc: SourceDoc,
    readonly path: Path,
    readonly value: unknown,
    readonly issues: Issue[],
  ) {}

  static root(doc: SourceDoc, issues: Issue[]): Reader {
    return new Reader(doc, [], doc.value, issues);
  }

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  get pathString(): string {
    return pathToString(this.path);
  }

  loc(prefer: 'key' | 'value' = 'value'): Loc {
    return this.doc.locOf(this.path, prefer);
  }

  field(name: string): Reader {
    const v = isRecord(this.value) && Object.prototype.hasOwnProperty.call(this.value, name) ? this.value[name] : undefined;
    return new Reader(this.doc, [...this.path, name], v, this.issues);
  }

  error(message: string, prefer: 'key' | 'value' = 'value'): null {
    this.issues.push(issue('error', this.loc(prefer), message));
    return null;
  }

  warn(message: string, prefer: 'key' | 'value' = 'value'): void {
    this.issues.push(issue('warning', this.loc(prefer), message));
  }

  /** A mapping whose keys are checked against `rule`; null (after reporting) when it is not a mapping. */
  object(rule: FieldRule, options: { required?: boolean } = {}): Reader | null {
    if (!this.present) {
      if (options.required) this.error('required field is missing', 'key');
      return null;
    }
    if (!isRecord(this.value)) return this.error(`expected a mapping, got ${describe(this.value)}`);
    const all = [...rule.known, ...Object.keys(rule.unsupported ?? {}), ...Object.keys(rule.ignored ?? {})];
    for (const key of Object.keys(this.value)) {
      const child = this.field(key);
      if (rule.known.includes(key)) continue;
      const why = rule.unsupported?.[key];
      if (why !== undefined) {
        child.error(`not supported by canary: ${why}`, 'key');
        continue;
      }
      const ignored = rule.ignored?.[key];
      if (ignored !== undefined) {
        child.warn(`ignored: ${ignored}`, 'key');
        continue;
      }
      const close = suggest(key, all);
      child.error(close ? `unknown field "${key}", did you mean "${close}"?` : `unknown field "${key}"`, 'key');
    }
    return this;
  }

  list(options: { required?: boolean } = {}): Reader[] {
    if (!this.present) {
      if (options.required) this.error('required field is missing', 'key');
      return [];
    }
    if (!Array.isArray(this.value)) {
      this.error(`expected a list, got ${describe(this.value)}`);
      return [];
    }
    return this.value.map((v, i) => new Reader(this.doc, [...this.path, i], v, this.issues));
  }

  string(options: { required?: boolean; nonEmpty?: boolean } = {}): string | null {
    if (!this.present) return options.required ? this.error('required field is missing', 'key') : null;
    // Kubernetes decodes scalars by type: a number where a string is expected is a mistake worth naming.
    if (typeof this.value !== 'string') return this.error(`expected a string, got ${describe(this.value)}`);
    if (options.nonEmpty !== false && options.required && this.value.trim() === '') return this.error('must not be empty');
    return this.value;
  }

  /** Scalars that Kubernetes accepts as strings (label values, arg values): numbers and booleans are stringified. */
  scalarString(options: { required?: boolean } = {}): string | null {
    if (!this.present) return options.required ? this.error('required field is missing', 'key') : null;
    if (typeof this.value === 'string') return this.value;
    if (typeof this.value === 'number' || typeof this.value === 'boolean') return String(this.value);
    return this.error(`expected a string, got ${describe(this.value)}`);
  }

  bool(defaultValue: boolean): boolean {
    if (!this.present) return defaultValue;
    if (typeof this.value !== 'boolean') {
      this.error(`expected true or false, got ${describe(this.value)}`);
      return defaultValue;
    }
    return this.value;
  }

  /** An integer; IntOrString fields also accept a numeric string ("3"), as Kubernetes does. */
  int(options: IntRule = {}): number | null {
    if (!this.present) return null;
    if (options.intOrString && isTemplated(this.value)) {
      return this.error('an {{args...}} placeholder is not supported in this field: write the number');
    }
    const parsed = parseIntField(this.value, options);
    return parsed.ok ? parsed.value : this.error(parsed.message);
  }

  /** A duration ("30s", "1m30s", or a whole number of seconds) in milliseconds. */
  duration(options: { allowZero?: boolean } = {}): number | null {
    if (!this.present) return null;
    if (isTemplated(this.value)) return this.error('an {{args...}} placeholder is not supported in this duration: write the duration');
    const parsed = parseDurationField(this.value, options);
    return parsed.ok ? parsed.value : this.error(parsed.message);
  }

  /** The text when the value is a string with an `{{args...}}` placeholder (resolved per run), else null. */
  templated(): string | null {
    return this.present && isTemplated(this.value) ? this.value : null;
  }

  /** A map of string to string (labels, annotations, selectors). */
  stringMap(): Record<string, string> {
    if (!this.present) return {};
    if (!isRecord(this.value)) {
      this.error(`expected a mapping of strings, got ${describe(this.value)}`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const key of Object.keys(this.value)) {
      const s = this.field(key).scalarString();
      if (s !== null) out[key] = s;
    }
    return out;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

