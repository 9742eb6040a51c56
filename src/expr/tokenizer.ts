/**
 * Source text -> tokens, following expr-lang's lexer: the same token kinds, keywords, number and
 * string syntax, comments, and the same error wording ("literal not terminated", "bad number syntax").
 */
import { errorAt } from './errors.js';

export type TokenKind = 'Identifier' | 'Number' | 'String' | 'Bytes' | 'Operator' | 'Bracket' | 'EOF';

export interface Token {
  kind: TokenKind;
  /** Raw text for numbers, the unescaped value for strings, the spelling for everything else. */
  value: string;
  /** The bytes of a byte-string literal (b"..."). */
  bytes?: Uint8Array;
  /** UTF-16 offset of the first character. */
  at: number;
}

/** How expr prints a token in "unexpected token ..." messages: `Operator(">")`, `EOF`. */
export function describeToken(token: Token): string {
  return token.value === '' ? token.kind : `${token.kind}(${goQuote(token.value)})`;
}

const SIMPLE_ESCAPES = new Map([
  ['a', '\x07'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['v', '\v'],
  ['\\', '\\'],
]);
const WORD_OPERATORS = new Set(['not', 'in', 'or', 'and', 'matches', 'contains', 'startsWith', 'endsWith', 'let', 'if', 'else']);
const LETTER = /[\p{L}_$]/u;
const DIGIT = /\p{Nd}/u;
// Go's unicode.IsSpace: Latin-1 spaces plus the White_Space property (JavaScript's \s differs).
const SPACE = /[\t\n\v\f\r \u0085\u00A0\p{Zs}\u2028\u2029]/u;

// ASCII fast paths: the Unicode regexes cost microseconds per character on long inputs.
function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

export function isIdentifierStart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 128 ? isAsciiLetter(c) : LETTER.test(ch);
}

export function isIdentifierPart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 128 ? isAsciiLetter(c) || (c >= 48 && c <= 57) : LETTER.test(ch) || DIGIT.test(ch);
}

function isSpace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c < 128 ? c === 32 || (c >= 9 && c <= 13) : SPACE.test(ch);
}

export function tokenize(source: string): Token[] {
  return new Lexer(source).run();
}

class Lexer {
  private pos = 0;
  private readonly tokens: Token[] = [];

  constructor(private readonly src: string) {}

  run(): Token[] {
    for (;;) {
      const start = this.pos;
      const ch = this.peek();
      if (ch === '') {
        this.tokens.push({ kind: 'EOF', value: '', at: Math.max(0, this.src.length - 1) });
        return this.tokens;
      }
      this.pos += ch.length;
      if (isSpace(ch)) continue;
      if ((ch === 'b' || ch === 'B') && (this.peek() === '"' || this.peek() === "'")) {
        const quote = this.peek();
        this.pos += 1;
        this.byteString(quote, start);
      } else if (ch === '"' || ch === "'") this.quoted(ch, start);
      else if (ch === '`') this.raw(start);
      else if (ch >= '0' && ch <= '9') this.number(start);
      else if (ch === '.') this.dot(start);
      else if (ch === '?') this.emit('Operator', this.acceptOne('.?') ? this.src.slice(start, this.pos) : '?', start);
      else if (ch === '/') this.slash(start);
      else if (ch === '#') this.pointer(start);
      else if (ch === '|' || ch === ':') this.emit('Operator', this.acceptOne(ch) ? ch + ch : ch, start);
      else if ('([{)]}'.includes(ch)) this.emit('Bracket', ch, start);
      else if (',;%+-^'.includes(ch)) this.emit('Operator', ch, start);
      else if ('&!=*<>'.includes(ch)) {
        this.acceptOne('&=*');
        this.emit('Operator', this.src.slice(start, this.pos), start);
      } else if (isIdentifierStart(ch)) this.word(start);
      else throw this.fail(`unrecognized character: ${describeRune(ch)}`, start);
    }
  }

  /** The character (code point) at `offset`, or '' at the end. */
  private peek(offset = this.pos): string {
    const c = this.src.charCodeAt(offset);
    if (Number.isNaN(c)) return '';
    if (c < 0xd800 || c > 0xdbff) return this.src[offset]!;
    return String.fromCodePoint(this.src.codePointAt(offset)!);
  }

  private acceptOne(chars: string): boolean {
    const ch = this.peek();
    if (ch !== '' && chars.includes(ch)) {
      this.pos += ch.length;
      return true;
    }
    return false;
  }

  private acceptRun(chars: string): void {
    while (this.acceptOne(chars));
  }

  private emit(kind: TokenKind, value: string, at: number): void {
    this.tokens.push({ kind, value, at });
  }

  private fail(message: string, at: number) {
    return errorAt('compile', message, this.src, at);
  }

  private word(start: number): void {
    while (this.peek() !== '' && isIdentifierPart(this.peek())) this.pos += this.peek().length;
    const word = this.src.slice(start, this.pos);
    this.emit(WORD_OPERATORS.has(word) ? 'Operator' : 'Identifier', word, start);
  }

  private number(start: number, afterDot = false): void {
    this.pos = afterDot ? start + 1 : start;
    let digits = '0123456789_';
    if (this.acceptOne('0')) {
      if (this.acceptOne('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.acceptOne('oO')) digits = '01234567_';
      else if (this.acceptOne('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    const beforeDot = this.pos;
    if (this.acceptOne('.')) {
      // `1..3` is a range, not the float `1.` followed by `.3`.
      if (this.peek() === '.') {
        this.pos = beforeDot;
        this.emit('Number', this.src.slice(start, this.pos), start);
        return;
      }
      this.acceptRun(digits);
    }
    if (this.acceptOne('eE')) {
      this.acceptOne('+-');
      this.acceptRun(digits);
    }
    const next = this.peek();
    if (next !== '' && isIdentifierPart(next)) {
      this.pos += next.length;
      throw this.fail(`bad number syntax: ${JSON.stringify(this.src.slice(start, this.pos))}`, this.pos - next.length);
    }
    this.emit('Number', this.src.slice(start, this.pos), start);
  }

  private dot(start: number): void {
    const next = this.peek();
    if (next >= '0' && next <= '9') {
      // expr scans `.5` as a number whose text starts at the dot, and may still take a decimal point.
      this.number(start, true);
      return;
    }
    this.emit('Operator', this.acceptOne('.') ? '..' : '.', start);
  }

  private slash(start: number): void {
    if (this.acceptOne('/')) {
      const end = this.src.indexOf('\n', this.pos);
      this.pos = end < 0 ? this.src.length : end;
    } else if (this.acceptOne('*')) {
      const end = this.src.indexOf('*/', this.pos);
      if (end < 0) throw this.fail('unclosed comment', this.src.length - 1);
      this.pos = end + 2;
    } else {
      this.emit('Operator', '/', start);
    }
  }

  private pointer(start: number): void {
    this.acceptOne('#');
    this.emit('Operator', this.src.slice(start, this.pos), start);
    const nameStart = this.pos;
    while (this.peek() !== '' && isIdentifierPart(this.peek())) this.pos += this.peek().length;
    if (this.pos > nameStart) this.emit('Identifier', this.src.slice(nameStart, this.pos), nameStart);
  }

  private raw(start: number): void {
    // Backtick strings have no escapes; a doubled backtick stands for one.
    let value = '';
    for (;;) {
      const ch = this.peek();
      if (ch === '') throw this.fail('literal not terminated', this.src.length - 1);
      this.pos += ch.length;
      if (ch === '`') {
        if (this.peek() !== '`') break;
        this.pos += 1;
      }
      value += ch;
    }
    this.emit('String', value, start);
  }

  /**
   * A quoted literal as expr reads it: a first pass accepts the escapes its scanner knows
   * (else "invalid char escape"), a second decodes them (else "unable to unescape string");
   * CRLF and lone CR become LF. Code points are returned as numbers, bytes as negative numbers.
   */
  private scan(quote: string, bytes: boolean): number[] {
    const out: number[] = [];
    for (;;) {
      const ch = this.peek();
      if (ch === '' || ch === '\n') throw this.fail('literal not terminated', ch === '' ? this.src.length - 1 : this.pos);
      this.pos += ch.length;
      if (ch === quote) return out;
      if (ch === '\r') {
        this.acceptOne('\n');
        out.push(10);
      } else if (ch === '\\') out.push(this.escape(quote, bytes));
      else out.push(ch.codePointAt(0)!);
    }
  }

  private quoted(quote: string, start: number): void {
    const points = this.scan(quote, false);
    // Go writes an invalid rune (a surrogate) as U+FFFD.
    this.emit('String', points.map((p) => String.fromCodePoint(p >= 0xd800 && p <= 0xdfff ? 0xfffd : p)).join(''), start);
  }

  private byteString(quote: string, start: number): void {
    const points = this.scan(quote, true);
    const out: number[] = [];
    for (const p of points) {
      if (p < 0) out.push(-p - 1);
      else out.push(...encoder.encode(String.fromCodePoint(p)));
    }
    this.tokens.push({ kind: 'Bytes', value: '', at: start, bytes: Uint8Array.from(out) });
  }

  private escape(quote: string, bytes: boolean): number {
    const at = this.pos - 1;
    const ch = this.peek();
    this.pos += ch.length;
    const simple = SIMPLE_ESCAPES.get(ch);
    if (simple !== undefined) return simple.charCodeAt(0);
    if (ch === quote) return ch.charCodeAt(0);
    const undecodable = (): never => {
      throw this.fail('unable to unescape string', at);
    };
    if (ch >= '0' && ch <= '7') {
      const digits = ch + this.scanDigits(2, 8, at);
      if (ch > '3') undecodable();
      const v = parseInt(digits, 8);
      return bytes ? -v - 1 : v;
    }
    if (ch === 'x') {
      const v = parseInt(this.scanDigits(2, 16, at), 16);
      return bytes ? -v - 1 : v;
    }
    if (ch === 'u' && this.peek() === '{') {
      this.pos += 1;
      let hex = '';
      while (this.peek() !== '}') {
        if (!/^[0-9a-fA-F]$/.test(this.peek()) || hex.length >= 6) throw this.fail('invalid char escape', this.pos);
        hex += this.peek();
        this.pos += 1;
      }
      if (hex === '') throw this.fail('invalid char escape', this.pos);
      this.pos += 1;
      const v = parseInt(hex, 16);
      if (bytes || v > 0x10ffff) undecodable();
      return v;
    }
    if (ch === 'u' || ch === 'U') {
      const v = parseInt(this.scanDigits(ch === 'u' ? 4 : 8, 16, at), 16);
      if (bytes || v > 0x10ffff) undecodable();
      return v;
    }
    throw this.fail('invalid char escape', at);
  }

  private scanDigits(n: number, base: 8 | 16, at: number): string {
    const pattern = base === 8 ? /^[0-7]$/ : /^[0-9a-fA-F]$/;
    let digits = '';
    for (let i = 0; i < n; i++) {
      const ch = this.peek();
      if (!pattern.test(ch)) throw this.fail('invalid char escape', at);
      digits += ch;
      this.pos += 1;
    }
    return digits;
  }
}

const encoder = new TextEncoder();

/** Go's %#v of a string (strconv.Quote). */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 12) out += '\\f';
    else if (cp === 10) out += '\\n';
    else if (cp === 13) out += '\\r';
    else if (cp === 9) out += '\\t';
    else if (cp === 11) out += '\\v';
    else if (cp === 0xfffd) out += '\\ufffd';
    else if (/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch) || cp === 32) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Go's %#U: `U+0040 '@'`, without the quoted form for control characters. */
function describeRune(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u.test(ch) ? hex : `${hex} '${ch}'`;
}
