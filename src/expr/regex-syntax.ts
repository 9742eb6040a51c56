/**
 * Go regexp (RE2) syntax -> a small regex tree. Argo evaluates `matches` with Go's regexp, so the
 * accepted syntax and the error texts follow Go ("error parsing regexp: missing closing ): `(a`"):
 * flags (?i)(?m)(?s)(?U), groups (?:) (?P<n>) (?<n>), classes with POSIX and \p{..} names, \Q..\E.
 * Backreferences and lookaround are rejected, as in Go.
 */
import { Fault } from './errors.js';
import { LIMITS } from './limits.js';

export interface CharSet {
  ranges: Ranges;
  /** Unicode property tests (\pL, \p{Greek}); each is a fixed single-character pattern. */
  properties: RegExp[];
  negated: boolean;
  fold: boolean;
}

export type Assertion = 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'notWordBoundary';

export type RegexNode =
  | { t: 'empty' }
  | { t: 'set'; set: CharSet }
  | { t: 'any'; newline: boolean }
  | { t: 'assert'; kind: Assertion }
  | { t: 'concat'; items: RegexNode[] }
  | { t: 'alternate'; items: RegexNode[] }
  /** max -1: unbounded. */
  | { t: 'repeat'; min: number; max: number; node: RegexNode };

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

type Ranges = [number, number][];

const WORD: Ranges = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];

// Maps rather than object literals: class names come from the pattern, and `[[:constructor:]]`
// must not find Object.prototype's constructor.
const PERL = new Map<string, Ranges>([
  ['d', [[48, 57]]],
  [
    's',
    [
      [9, 10],
      [12, 13],
      [32, 32],
    ],
  ],
  ['w', WORD],
]);

const POSIX = new Map<string, Ranges>([
  [
    'alnum',
    [
      [48, 57],
      [65, 90],
      [97, 122],
    ],
  ],
  [
    'alpha',
    [
      [65, 90],
      [97, 122],
    ],
  ],
  ['ascii', [[0, 127]]],
  [
    'blank',
    [
      [9, 9],
      [32, 32],
    ],
  ],
  [
    'cntrl',
    [
      [0, 31],
      [127, 127],
    ],
  ],
  ['digit', [[48, 57]]],
  ['graph', [[33, 126]]],
  ['lower', [[97, 122]]],
  ['print', [[32, 126]]],
  [
    'punct',
    [
      [33, 47],
      [58, 64],
      [91, 96],
      [123, 126],
    ],
  ],
  [
    'space',
    [
      [9, 13],
      [32, 32],
    ],
  ],
  ['upper', [[65, 90]]],
  ['word', WORD],
  [
    'xdigit',
    [
      [48, 57],
      [65, 70],
      [97, 102],
    ],
  ],
]);

const CONTROL_ESCAPES = new Map([
  ['a', 7],
  ['f', 12],
  ['n', 10],
  ['r', 13],
  ['t', 9],
  ['v', 11],
]);

export function parseRegex(pattern: string): RegexNode {
  return new RegexParser(pattern).parse();
}

class RegexParser {
  private readonly cps: number[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly pattern: string) {
    this.cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  }

  parse(): RegexNode {
    const node = this.alternation({ i: false, m: false, s: false, U: false });
    if (this.pos < this.cps.length) throw this.fail('unexpected )', this.pattern);
    return node;
  }

  private fail(code: string, text: string): Fault {
    return new Fault(`error parsing regexp: ${code}: \`${text}\``);
  }

  private text(from: number, to = this.pos): string {
    return String.fromCodePoint(...this.cps.slice(from, to));
  }

  private peek(offset = 0): number | undefined {
    return this.cps[this.pos + offset];
  }

  private is(ch: string, offset = 0): boolean {
    return this.peek(offset) === ch.codePointAt(0);
  }

  /** Flags set by `(?i)` last until the end of the enclosing group, so they are passed by reference. */
  private alternation(flags: Flags): RegexNode {
    const items = [this.concatenation(flags)];
    while (this.is('|')) {
      this.pos++;
      items.push(this.concatenation(flags));
    }
    return items.length === 1 ? items[0]! : { t: 'alternate', items };
  }

  private concatenation(flags: Flags): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.cps.length && !this.is('|') && !this.is(')')) {
      if (this.isQuantifier()) throw this.fail('missing argument to repetition operator', this.quantifierText());
      const atom = this.atom(flags);
      if (atom !== null) items.push(this.quantified(atom));
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? items[0]! : { t: 'concat', items };
  }

  private isQuantifier(): boolean {
    return this.is('*') || this.is('+') || this.is('?') || (this.is('{') && this.repeatBounds(false) !== null);
  }

  private quantifierText(): string {
    const start = this.pos;
    if (this.is('{')) this.repeatBounds(true);
    else this.pos++;
    if (this.is('?')) this.pos++;
    return this.text(start);
  }

  private quantified(atom: RegexNode): RegexNode {
    let node = atom;
    let previous = -1;
    while (this.isQuantifier()) {
      const start = this.pos;
      if (previous >= 0) {
        // `a**` is an error in Go (unlike `(a*)*`); the lazy `a*?` was consumed with its `*`.
        this.quantifierText();
        throw this.fail('invalid nested repetition operator', this.text(previous));
      }
      let min: number;
      let max: number;
      if (this.is('{')) {
        [min, max] = this.repeatBounds(true)!;
        if (min > LIMITS.maxRegexRepeat || max > LIMITS.maxRegexRepeat || (max !== -1 && max < min)) {
          throw this.fail('invalid repeat count', this.text(start));
        }
      } else {
        const ch = String.fromCodePoint(this.peek()!);
        this.pos++;
        [min, max] = ch === '*' ? [0, -1] : ch === '+' ? [1, -1] : [0, 1];
      }
      if (this.is('?')) this.pos++; // lazy: the same language, and `matches` only asks whether it matches
      node = { t: 'repeat', min, max, node };
      previous = start;
    }
    return node;
  }

  /** `{n}`, `{n,}`, `{n,m}` at the cursor; null (and no movement) when it is a literal `{`. */
  private repeatBounds(consume: boolean): [number, number] | null {
    const rest = this.text(this.pos, Math.min(this.cps.length, this.pos + 24));
    const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (!m) return null;
    if (consume) this.pos += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
    return [min, max];
  }

  /** One atom, or null for a flag-only group like `(?i)`. */
  private atom(flags: Flags): RegexNode | null {
    const start = this.pos;
    const ch = String.fromCodePoint(this.peek()!);
    this.pos++;
    switch (ch) {
      case '(':
        return this.group(flags, start);
      case '[':
        return { t: 'set', set: this.charClass(flags, start) };
      case '.':
        return { t: 'any', newline: flags.s };
      case '^':
        return { t: 'assert', kind: flags.m ? 'beginLine' : 'beginText' };
      case '$':
        return { t: 'assert', kind: flags.m ? 'endLine' : 'endText' };
      case '\\':
        return this.escapeAtom(flags, start);
      default:
        return literal(ch.codePointAt(0)!, flags);
    }
  }

  private group(flags: Flags, start: number): RegexNode | null {
    if (++this.depth > LIMITS.maxDepth) throw this.fail('expression nests too deeply', this.pattern);
    try {
      let inner: Flags = { ...flags };
      if (this.is('?')) {
        const rest = this.text(this.pos, Math.min(this.cps.length, this.pos + 64));
        const named = /^\?P?<([A-Za-z0-9_]*)>/.exec(rest);
        if (named) {
          if (named[1] === '') throw this.fail('invalid named capture', this.text(start, this.pos + named[0].length));
          this.pos += named[0].length;
        } else {
          const flagged = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
          if (!flagged || (flagged[2] !== undefined && flagged[2] === '')) {
            const shown = this.text(start, Math.min(this.cps.length, this.pos + (rest.startsWith('?P') ? 3 : 2)));
            throw this.fail(rest.startsWith('?P') ? 'invalid named capture' : 'invalid or unsupported Perl syntax', shown);
          }
          this.pos += flagged[0].length;
          const target = flagged[3] === ')' ? flags : inner;
          for (const f of flagged[1]!) target[f as keyof Flags] = true;
          for (const f of flagged[2] ?? '') target[f as keyof Flags] = false;
          if (flagged[3] === ')') return null;
          inner = target;
        }
      }
      const node = this.alternation(inner);
      if (!this.is(')')) throw this.fail('missing closing )', this.pattern);
      this.pos++;
      return node;
    } finally {
      this.depth--;
    }
  }

  private escapeAtom(flags: Flags, start: number): RegexNode {
    const next = this.peek();
    if (next === undefined) throw this.fail('trailing backslash at end of expression', '');
    const ch = String.fromCodePoint(next);
    switch (ch) {
      case 'A':
        this.pos++;
        return { t: 'assert', kind: 'beginText' };
      case 'z':
        this.pos++;
        return { t: 'assert', kind: 'endText' };
      case 'b':
        this.pos++;
        return { t: 'assert', kind: 'wordBoundary' };
      case 'B':
        this.pos++;
        return { t: 'assert', kind: 'notWordBoundary' };
      case 'Q': {
        this.pos++;
        const end = this.cps.findIndex((c, i) => i >= this.pos && c === 92 && this.cps[i + 1] === 69);
        const stop = end < 0 ? this.cps.length : end;
        const items = this.cps.slice(this.pos, stop).map((c) => literal(c, flags));
        this.pos = end < 0 ? stop : stop + 2;
        return items.length === 1 ? items[0]! : { t: 'concat', items };
      }
      default: {
        const set = this.classEscape(flags, start);
        if (set) return { t: 'set', set };
        return literal(this.escapedChar(start), flags);
      }
    }
  }

  /** \d \D \s \S \w \W \pL \p{Name} \PL \p{^Name}, with the cursor just after the backslash. */
  private classEscape(flags: Flags, start: number): CharSet | null {
    const ch = String.fromCodePoint(this.peek()!);
    const lower = ch.toLowerCase();
    const perl = PERL.get(lower);
    if (perl && (ch === lower || ch === lower.toUpperCase())) {
      this.pos++;
      return { ranges: perl, properties: [], negated: ch !== lower, fold: false };
    }
    if (ch !== 'p' && ch !== 'P') return null;
    this.pos++;
    let name: string;
    if (this.is('{')) {
      const close = this.cps.indexOf(125, this.pos);
      if (close < 0) throw this.fail('invalid character class range', this.text(start, this.cps.length));
      name = this.text(this.pos + 1, close);
      this.pos = close + 1;
    } else {
      if (this.peek() === undefined) throw this.fail('invalid character class range', this.text(start));
      name = String.fromCodePoint(this.peek()!);
      this.pos++;
    }
    let negated = ch === 'P';
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const property = unicodeProperty(name);
    if (!property) throw this.fail('invalid character class range', this.text(start));
    return { ranges: [], properties: [property], negated, fold: flags.i };
  }

  /** A single escaped character (cursor after the backslash): octal, \x, control letters, punctuation. */
  private escapedChar(start: number): number {
    const c = this.peek()!;
    this.pos++;
    const ch = String.fromCodePoint(c);
    if (ch >= '1' && ch <= '7' && !(this.peek()! >= 48 && this.peek()! <= 55)) {
      throw this.fail('invalid escape sequence', this.text(start));
    }
    if (ch >= '0' && ch <= '7') {
      let value = c - 48;
      for (let i = 1; i < 3 && this.peek() !== undefined && this.peek()! >= 48 && this.peek()! <= 55; i++) {
        value = value * 8 + this.peek()! - 48;
        this.pos++;
      }
      return value;
    }
    if (ch === 'x') {
      const rest = this.text(this.pos, Math.min(this.cps.length, this.pos + 12));
      const m = /^(?:\{([0-9A-Fa-f]{1,8})\}|([0-9A-Fa-f]{2}))/.exec(rest);
      const value = m ? parseInt(m[1] ?? m[2]!, 16) : NaN;
      if (!m || value > 0x10ffff) throw this.fail('invalid escape sequence', this.text(start, this.pos + (m ? m[0].length : 0)));
      this.pos += m[0].length;
      return value;
    }
    const control = CONTROL_ESCAPES.get(ch);
    if (control !== undefined) return control;
    if (c < 128 && !/[0-9A-Za-z]/.test(ch)) return c;
    throw this.fail('invalid escape sequence', this.text(start));
  }

  /** `[...]` with the cursor after `[`. */
  private charClass(flags: Flags, start: number): CharSet {
    const set: CharSet = { ranges: [], properties: [], negated: false, fold: flags.i };
    if (this.is('^')) {
      set.negated = true;
      this.pos++;
    }
    let first = true;
    while (first || !this.is(']')) {
      if (this.peek() === undefined) throw this.fail('missing closing ]', this.text(start, this.cps.length));
      first = false;
      if (this.is('[') && this.is(':', 1)) {
        const rest = this.text(this.pos, Math.min(this.cps.length, this.pos + 16));
        const m = /^\[:(\^?)([a-z]+):\]/.exec(rest);
        if (m) {
          const ranges = POSIX.get(m[2]!);
          if (!ranges) throw this.fail('invalid character class range', m[0]);
          this.pos += m[0].length;
          if (m[1]) set.properties.push(...complementProperty(ranges));
          else set.ranges.push(...ranges);
          continue;
        }
      }
      if (this.is('\\')) {
        const escStart = this.pos;
        this.pos++;
        if (this.peek() === undefined) throw this.fail('trailing backslash at end of expression', '');
        const nested = this.classEscape(flags, escStart);
        if (nested) {
          if (nested.negated || nested.properties.length > 0) set.properties.push(...asProperties(nested));
          else set.ranges.push(...nested.ranges);
          continue;
        }
        this.pos = escStart;
      }
      const loStart = this.pos;
      const lo = this.classChar(loStart);
      let hi = lo;
      if (this.is('-') && this.peek(1) !== undefined && !this.is(']', 1)) {
        this.pos++;
        hi = this.classChar(this.pos);
        if (hi < lo) throw this.fail('invalid character class range', this.text(loStart));
      }
      set.ranges.push([lo, hi]);
    }
    this.pos++;
    return set;
  }

  private classChar(start: number): number {
    const c = this.peek()!;
    this.pos++;
    return c === 92 ? this.escapedChar(start) : c;
  }
}

function literal(cp: number, flags: Flags): RegexNode {
  return { t: 'set', set: { ranges: [[cp, cp]], properties: [], negated: false, fold: flags.i } };
}

/** A negated or property-based class nested inside `[...]`, as single-character tests. */
function asProperties(set: CharSet): RegExp[] {
  if (set.properties.length > 0 && set.ranges.length === 0) {
    return set.negated ? set.properties.map(negateProperty) : set.properties;
  }
  return complementProperty(set.ranges);
}

function complementProperty(ranges: [number, number][]): RegExp[] {
  const body = ranges.map(([lo, hi]) => `\\u{${lo.toString(16)}}-\\u{${hi.toString(16)}}`).join('');
  return [new RegExp(`^[^${body}]$`, 'u')];
}

function negateProperty(property: RegExp): RegExp {
  return new RegExp(property.source.replace('^\\p', '^\\P'), 'u');
}

/** Go's Unicode class names are general categories and scripts; JavaScript spells scripts `Script=`. */
function unicodeProperty(name: string): RegExp | null {
  if (!/^[A-Za-z_]+$/.test(name)) return null;
  for (const form of [name, `Script=${name}`]) {
    try {
      return new RegExp(`^\\p{${form}}$`, 'u');
    } catch {
      // not this spelling
    }
  }
  return null;
}
