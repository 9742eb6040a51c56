/**
 * Source text -> tokens, following expr-lang's lexer: the same token kinds, keywords, number and
 * string syntax, comments, and the same error wording ("literal not terminated", "bad number syntax").
 */
import { errorAt } from './errors.js';

export type TokenKind = 'Identifier' | 'Number' | 'String' | 'Operator' | 'Bracket' | 'EOF';

export interface Token {
  kind: TokenKind;
  /** Raw text for numbers, the unescaped value for strings, the spelling for everything else. */
  value: string;
  /** UTF-16 offset of the first character. */
  at: number;
}

/** How expr prints a token in "unexpected token ..." messages: `Operator(">")`, `EOF`. */
export function describeToken(token: Token): string {
  return token.value === '' ? token.kind : `${token.kind}(${JSON.stringify(token.value)})`;
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
      if (ch === '"' || ch === "'") this.quoted(ch, start);
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

  private number(start: number): void {
    this.pos = start;
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
      this.number(start);
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

  private quoted(quote: string, start: number): void {
    let value = '';
    for (;;) {
      const ch = this.peek();
      if (ch === '' || ch === '\n') throw this.fail('literal not terminated', ch === '' ? this.src.length - 1 : this.pos);
      this.pos += ch.length;
      if (ch === quote) break;
      if (ch === '\r') {
        // expr normalizes CRLF and lone CR inside literals to LF.
        this.acceptOne('\n');
        value += '\n';
      } else if (ch === '\\') value += this.escape(quote);
      else value += ch;
    }
    this.emit('String', value, start);
  }

  private escape(quote: string): string {
    const at = this.pos - 1;
    const ch = this.peek();
    this.pos += ch.length;
    const simple = SIMPLE_ESCAPES.get(ch);
    if (simple !== undefined) return simple;
    if (ch === quote || ch === '"' || ch === "'") return ch;
    if (ch >= '0' && ch <= '7') return this.codePoint(ch + this.take(2), 8, 3, 255, at);
    if (ch === 'x') return this.codePoint(this.take(2), 16, 2, 255, at);
    if (ch === 'u' && this.peek() === '{') {
      const close = this.src.indexOf('}', this.pos);
      const hex = close < 0 ? '' : this.src.slice(this.pos + 1, close);
      if (hex.length < 1 || hex.length > 6) throw this.fail('invalid char escape', at);
      this.pos = close + 1;
      return this.codePoint(hex, 16, hex.length, 0x10ffff, at);
    }
    if (ch === 'u') return this.codePoint(this.take(4), 16, 4, 0x10ffff, at);
    if (ch === 'U') return this.codePoint(this.take(8), 16, 8, 0x10ffff, at);
    throw this.fail('invalid char escape', at);
  }

  private take(n: number): string {
    const text = this.src.slice(this.pos, this.pos + n);
    this.pos += text.length;
    return text;
  }

  private codePoint(digits: string, base: 8 | 16, length: number, max: number, at: number): string {
    const pattern = base === 8 ? /^[0-7]*$/ : /^[0-9a-fA-F]*$/;
    const value = parseInt(digits, base);
    const surrogate = value >= 0xd800 && value <= 0xdfff;
    if (digits.length !== length || !pattern.test(digits) || value > max || surrogate) {
      throw this.fail('invalid char escape', at);
    }
    return String.fromCodePoint(value);
  }
}

/** Go's %#U: `U+0040 '@'`, without the quoted form for control characters. */
function describeRune(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u.test(ch) ? hex : `${hex} '${ch}'`;
}
