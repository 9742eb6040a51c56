/**
 * Tokens -> AST, following expr's parser: precedence climbing with its operator table, comparison
 * chains (`1 < x < 3`), `not in`-style operators, predicates, pipes, optional chaining, `let`,
 * `if`/`else`, `;` sequences and method calls. The first error is the one reported, with expr's
 * wording. Recursion is bounded by an explicit depth so hostile input gets an ExprError, never a
 * RangeError from the JavaScript stack.
 */
import { children, type Node } from './ast.js';
import { errorAt, ExprError } from './errors.js';
import { LIMITS } from './limits.js';
import { describeToken, isIdentifierPart, isIdentifierStart, tokenize, type Token, type TokenKind } from './tokenizer.js';
import { BUILTIN_NAMES } from './builtin-names.js';

interface OperatorInfo {
  precedence: number;
  right: boolean;
}

// Maps, not object literals: the keys looked up come from the input, and must never reach Object.prototype.
const BINARY = new Map<string, OperatorInfo>([
  ['|', { precedence: 0, right: false }],
  ['or', { precedence: 10, right: false }],
  ['||', { precedence: 10, right: false }],
  ['and', { precedence: 15, right: false }],
  ['&&', { precedence: 15, right: false }],
  ['==', { precedence: 20, right: false }],
  ['!=', { precedence: 20, right: false }],
  ['<', { precedence: 20, right: false }],
  ['>', { precedence: 20, right: false }],
  ['>=', { precedence: 20, right: false }],
  ['<=', { precedence: 20, right: false }],
  ['in', { precedence: 20, right: false }],
  ['matches', { precedence: 20, right: false }],
  ['contains', { precedence: 20, right: false }],
  ['startsWith', { precedence: 20, right: false }],
  ['endsWith', { precedence: 20, right: false }],
  ['..', { precedence: 25, right: false }],
  ['+', { precedence: 30, right: false }],
  ['-', { precedence: 30, right: false }],
  ['*', { precedence: 60, right: false }],
  ['/', { precedence: 60, right: false }],
  ['%', { precedence: 60, right: false }],
  ['**', { precedence: 100, right: true }],
  ['^', { precedence: 100, right: true }],
  ['??', { precedence: 500, right: false }],
]);

// `not` binds tighter than comparisons in expr: `not a == b` is `(not a) == b`.
const UNARY = new Map<string, number>([
  ['not', 50],
  ['!', 50],
  ['-', 90],
  ['+', 90],
]);

const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);
const CHAINED_COMPARISONS = new Set(['<', '>', '<=', '>=']);

type ArgShape = 'expr' | 'predicate' | 'optional-predicate' | 'optional-expr';

/** expr's builtins whose arguments include a closure; the parser must know them to parse `# > 1`. */
export const PREDICATE_SHAPES: ReadonlyMap<string, readonly ArgShape[]> = new Map<string, ArgShape[]>([
  ['all', ['expr', 'predicate']],
  ['none', ['expr', 'predicate']],
  ['any', ['expr', 'predicate']],
  ['one', ['expr', 'predicate']],
  ['filter', ['expr', 'predicate']],
  ['map', ['expr', 'predicate']],
  ['count', ['expr', 'optional-predicate']],
  ['sum', ['expr', 'optional-predicate']],
  ['find', ['expr', 'predicate']],
  ['findIndex', ['expr', 'predicate']],
  ['findLast', ['expr', 'predicate']],
  ['findLastIndex', ['expr', 'predicate']],
  ['groupBy', ['expr', 'predicate']],
  ['sortBy', ['expr', 'predicate', 'optional-expr']],
  ['reduce', ['expr', 'predicate', 'optional-expr']],
]);

export interface ParseResult {
  root: Node;
  nodeCount: number;
}

/** `overridden` are environment names that take precedence over builtins of the same name. */
export function parse(source: string, overridden: ReadonlySet<string> = new Set()): ParseResult {
  if (source.length > LIMITS.maxSourceLength) {
    throw new ExprError('compile', `expression is too long (${source.length} characters, at most ${LIMITS.maxSourceLength})`);
  }
  return new Parser(source, tokenize(source), overridden).parseAll();
}

class Parser {
  private index = 0;
  private nodeCount = 0;
  private nesting = 0;
  private predicateDepth = 0;
  private readonly depths = new WeakMap<Node, number>();

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly overridden: ReadonlySet<string>,
  ) {}

  parseAll(): ParseResult {
    const root = this.sequence();
    if (this.current.kind !== 'EOF') throw this.unexpected();
    return { root, nodeCount: this.nodeCount };
  }

  private get current(): Token {
    return this.tokens[this.index]!;
  }

  private peekToken(offset: number): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private is(kind: TokenKind, value?: string): boolean {
    return this.current.kind === kind && (value === undefined || this.current.value === value);
  }

  private advance(): Token {
    const token = this.current;
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }

  private expect(kind: TokenKind, value?: string): Token {
    if (!this.is(kind, value)) throw this.unexpected();
    return this.advance();
  }

  private error(message: string, at = this.current.at): ExprError {
    return errorAt('compile', message, this.source, at);
  }

  private unexpected(token = this.current): ExprError {
    return this.error(`unexpected token ${describeToken(token)}`, token.at);
  }

  /** Every node goes through here: it enforces the node budget and the depth of the finished tree. */
  private make<N extends Node>(node: N, counted = true): N {
    if (counted && ++this.nodeCount > LIMITS.maxNodes) {
      throw this.error('compilation failed: expression exceeds maximum allowed nodes', node.at);
    }
    let depth = 1;
    for (const child of children(node)) depth = Math.max(depth, (this.depths.get(child) ?? 1) + 1);
    if (depth > LIMITS.maxDepth) throw this.tooDeep(node.at);
    this.depths.set(node, depth);
    return node;
  }

  private tooDeep(at: number): ExprError {
    return this.error(`expression is nested too deeply (more than ${LIMITS.maxDepth} levels)`, at);
  }

  private sequence(): Node {
    const nodes = [this.expression(0)];
    while (this.is('Operator', ';')) {
      this.advance();
      if (this.is('EOF')) break;
      nodes.push(this.expression(0));
    }
    if (nodes.length === 1) return nodes[0]!;
    return this.make({ kind: 'sequence', at: nodes[0]!.at, nodes });
  }

  private expression(precedence: number): Node {
    if (++this.nesting > LIMITS.maxDepth) throw this.tooDeep(this.current.at);
    try {
      return this.expressionBody(precedence);
    } finally {
      this.nesting--;
    }
  }

  private expressionBody(precedence: number): Node {
    if (precedence === 0 && this.is('Operator', 'let')) return this.variable();
    if (precedence === 0 && this.is('Operator', 'if')) return this.ifElse();

    let left = this.primary();
    let previous = '';
    while (this.is('Operator')) {
      let opToken = this.current;
      let negated: Token | null = null;
      if (opToken.value === 'not') {
        const suffix = this.peekToken(1);
        if (suffix.kind !== 'Operator' || !NEGATABLE.has(suffix.value)) {
          this.advance();
          throw this.unexpected(suffix);
        }
        if (BINARY.get(suffix.value)!.precedence < precedence) break;
        negated = this.advance();
        opToken = suffix;
      }
      const info = BINARY.get(opToken.value);
      if (!info || info.precedence < precedence) break;
      this.advance();
      if (opToken.value === '|') {
        const name = this.expect('Identifier');
        left = this.call(name, [left], true);
      } else {
        if (previous === '??' && opToken.value !== '??') {
          throw this.error(
            `Operator (${opToken.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
            opToken.at,
          );
        }
        if (CHAINED_COMPARISONS.has(opToken.value)) {
          left = this.comparison(left, opToken, info.precedence);
        } else {
          const right = this.expression(info.right ? info.precedence : info.precedence + 1);
          left = this.make({ kind: 'binary', at: opToken.at, op: opToken.value, left, right });
          if (negated) left = this.make({ kind: 'unary', at: negated.at, op: 'not', operand: left });
        }
      }
      previous = opToken.value;
    }
    return precedence === 0 ? this.conditional(left) : left;
  }

  private variable(): Node {
    this.expect('Operator', 'let');
    const name = this.expect('Identifier');
    this.expect('Operator', '=');
    const value = this.expression(0);
    this.expect('Operator', ';');
    const body = this.sequence();
    return this.make({ kind: 'let', at: name.at, name: name.value, value, body });
  }

  private ifElse(): Node {
    const at = this.advance().at;
    const test = this.expression(0);
    this.expect('Bracket', '{');
    const then = this.sequence();
    this.expect('Bracket', '}');
    this.expect('Operator', 'else');
    let otherwise: Node;
    if (this.is('Operator', 'if')) otherwise = this.ifElse();
    else {
      this.expect('Bracket', '{');
      otherwise = this.sequence();
      this.expect('Bracket', '}');
    }
    // expr builds this node outside its node counter.
    return this.make({ kind: 'conditional', at, test, then, otherwise, ternary: false }, false);
  }

  /** `a < b <= c` means `a < b && b <= c`, as in expr. */
  private comparison(first: Node, firstOp: Token, precedence: number): Node {
    let left = first;
    let opToken = firstOp;
    let root: Node | null = null;
    for (;;) {
      const right = this.expression(precedence + 1);
      const node = this.make({ kind: 'binary', at: opToken.at, op: opToken.value, left, right });
      root = root ? this.make({ kind: 'binary', at: opToken.at, op: '&&', left: root, right: node }) : node;
      if (!(this.is('Operator') && CHAINED_COMPARISONS.has(this.current.value))) return root;
      left = right;
      opToken = this.advance();
    }
  }

  private conditional(test: Node): Node {
    let node = test;
    while (this.is('Operator', '?')) {
      this.advance();
      let then: Node;
      let otherwise: Node;
      if (!this.is('Operator', ':')) {
        then = this.expression(0);
        this.expect('Operator', ':');
        otherwise = this.expression(0);
      } else {
        // `a ?: b` is expr's short form of `a ? a : b`.
        this.advance();
        then = node;
        otherwise = this.expression(0);
      }
      node = this.make({ kind: 'conditional', at: this.current.at, test: node, then, otherwise, ternary: true });
    }
    return node;
  }

  private primary(): Node {
    const token = this.current;
    const unary = token.kind === 'Operator' ? UNARY.get(token.value) : undefined;
    if (unary !== undefined) {
      this.advance();
      const operand = this.expression(unary);
      return this.postfix(this.make({ kind: 'unary', at: token.at, op: token.value, operand }));
    }
    if (this.is('Bracket', '(')) {
      this.advance();
      const inner = this.sequence();
      this.expect('Bracket', ')');
      return this.postfix(inner);
    }
    if (this.predicateDepth > 0 && token.kind === 'Operator' && (token.value === '#' || token.value === '.')) {
      let name = '';
      if (token.value === '#') {
        this.advance();
        if (this.is('Identifier')) name = this.advance().value;
      }
      // A leading `.field` stays in the stream: postfix() reads it as a member of `#`.
      return this.postfix(this.make({ kind: 'pointer', at: token.at, name }));
    }
    if (this.is('Operator', '::')) {
      this.advance();
      const name = this.expect('Identifier');
      return this.postfix(this.call(name, [], false));
    }
    return this.secondary();
  }

  private secondary(): Node {
    const token = this.current;
    switch (token.kind) {
      case 'Identifier': {
        this.advance();
        if (token.value === 'true' || token.value === 'false') {
          return this.make({ kind: 'bool', at: token.at, value: token.value === 'true' });
        }
        if (token.value === 'nil') return this.make({ kind: 'nil', at: token.at });
        if (this.is('Bracket', '(')) return this.postfix(this.call(token, [], true));
        return this.postfix(this.make({ kind: 'identifier', at: token.at, name: token.value }));
      }
      case 'Number':
        this.advance();
        return this.number(token);
      case 'String':
        this.advance();
        return this.postfix(this.make({ kind: 'string', at: token.at, value: token.value }));
      case 'Bytes':
        this.advance();
        return this.postfix(this.make({ kind: 'bytes', at: token.at, value: token.bytes! }));
      case 'Bracket':
        if (token.value === '[') return this.postfix(this.array());
        if (token.value === '{') return this.postfix(this.map());
        throw this.unexpected();
      case 'Operator':
      case 'EOF':
        throw this.unexpected();
    }
  }

  /** Number literals, worded as strconv reports them; like expr, no postfix after a number. */
  private number(token: Token): Node {
    const text = token.value.replace(/_/g, '');
    const lower = text.toLowerCase();
    const quoted = JSON.stringify(text);
    const intLiteral = (what: string, digits: string, radix: string): Node => {
      if (digits === '' || !/^[0-9a-f]+$/.test(digits)) {
        throw this.error(`invalid ${what} literal: strconv.ParseInt: parsing ${quoted}: invalid syntax`, token.at);
      }
      const value = BigInt(radix + digits);
      if (value > 0x7fffffffffffffffn) {
        throw this.error(`invalid ${what} literal: strconv.ParseInt: parsing ${quoted}: value out of range`, token.at);
      }
      return this.make({ kind: 'int', at: token.at, value });
    };
    if (lower.startsWith('0x')) return intLiteral('hex', lower.slice(2), '0x');
    if (lower.includes('.') || lower.includes('e')) {
      if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) {
        throw this.error(`invalid float literal: strconv.ParseFloat: parsing ${quoted}: invalid syntax`, token.at);
      }
      const value = Number(lower);
      if (!Number.isFinite(value)) {
        throw this.error(`invalid float literal: strconv.ParseFloat: parsing ${quoted}: value out of range`, token.at);
      }
      return this.make({ kind: 'float', at: token.at, value });
    }
    if (lower.startsWith('0b')) return intLiteral('binary', lower.slice(2), '0b');
    if (lower.startsWith('0o')) return intLiteral('octal', lower.slice(2), '0o');
    if (!/^[0-9]+$/.test(lower)) throw this.error(`invalid integer literal: strconv.ParseInt: parsing ${quoted}: invalid syntax`, token.at);
    return intLiteral('integer', lower, '');
  }

  private call(name: Token, piped: Node[], checkOverrides: boolean): Node {
    const overridden = checkOverrides && this.overridden.has(name.value);
    const shape = overridden ? undefined : PREDICATE_SHAPES.get(name.value);
    if (shape) {
      const args = this.predicateArguments(shape.slice(piped.length), [...piped]);
      return this.make({ kind: 'builtin', at: name.at, name: name.value, args });
    }
    if (!overridden && BUILTIN_NAMES.has(name.value)) {
      return this.make({ kind: 'builtin', at: name.at, name: name.value, args: this.arguments([...piped]) });
    }
    const callee = this.make({ kind: 'identifier', at: name.at, name: name.value });
    return this.make({ kind: 'call', at: name.at, callee, args: this.arguments([...piped]) });
  }

  private predicateArguments(shape: readonly ArgShape[], args: Node[]): Node[] {
    this.expect('Bracket', '(');
    for (let i = 0; i < shape.length; i++) {
      const kind = shape[i]!;
      const optional = kind === 'optional-predicate' || kind === 'optional-expr';
      if (this.is('Bracket', ')')) {
        if (optional) break;
        throw this.error(`expected at least ${shape.length} arguments`);
      }
      if (i > 0) this.expect('Operator', ',');
      args.push(kind === 'expr' || kind === 'optional-expr' ? this.expression(0) : this.predicate());
    }
    if (this.is('Operator', ',')) this.advance();
    this.expect('Bracket', ')');
    return args;
  }

  private arguments(args: Node[]): Node[] {
    const offset = args.length;
    this.expect('Bracket', '(');
    while (!this.is('Bracket', ')')) {
      if (args.length > offset) this.expect('Operator', ',');
      if (this.is('Bracket', ')')) break;
      args.push(this.expression(0));
    }
    this.expect('Bracket', ')');
    return args;
  }

  private predicate(): Node {
    const start = this.current;
    const braces = this.is('Bracket', '{');
    if (braces) this.advance();
    this.predicateDepth++;
    let body: Node;
    if (braces) body = this.sequence();
    else {
      body = this.expression(0);
      if (this.is('Operator', ';')) throw this.error('wrap predicate with brackets { and }');
    }
    this.predicateDepth--;
    if (braces) this.expect('Bracket', '}');
    return this.make({ kind: 'predicate', at: start.at, body });
  }

  private array(): Node {
    const open = this.expect('Bracket', '[');
    const elements: Node[] = [];
    while (!this.is('Bracket', ']')) {
      if (elements.length > 0) {
        this.expect('Operator', ',');
        if (this.is('Bracket', ']')) break;
      }
      elements.push(this.expression(0));
    }
    this.expect('Bracket', ']');
    return this.make({ kind: 'array', at: open.at, elements });
  }

  private map(): Node {
    const open = this.expect('Bracket', '{');
    const pairs: Node[] = [];
    while (!this.is('Bracket', '}')) {
      if (pairs.length > 0) {
        this.expect('Operator', ',');
        if (this.is('Bracket', '}')) break;
        if (this.is('Operator', ',')) throw this.unexpected();
      }
      let key: Node;
      const token = this.current;
      if (token.kind === 'Number' || token.kind === 'String' || token.kind === 'Identifier') {
        key = this.make({ kind: 'string', at: token.at, value: token.value });
        this.advance();
      } else if (this.is('Bracket', '(')) {
        key = this.expression(0);
      } else {
        throw this.error(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describeToken(token)})`,
        );
      }
      this.expect('Operator', ':');
      const value = this.expression(0);
      pairs.push(this.make({ kind: 'pair', at: open.at, key, value }));
    }
    this.expect('Bracket', '}');
    return this.make({ kind: 'map', at: open.at, pairs });
  }

  private postfix(start: Node): Node {
    let node = start;
    for (;;) {
      const token = this.current;
      if (token.kind !== 'Operator' && token.kind !== 'Bracket') return node;
      const optional = token.value === '?.';
      if (optional && this.peekToken(1).kind === 'Bracket' && this.peekToken(1).value === '[') {
        this.advance();
        node = this.subscript(node, true);
      } else if (optional || token.value === '.') {
        this.advance();
        const property = this.advance();
        if (!isName(property)) throw this.error('expected name', property.at);
        const name = this.make({ kind: 'string', at: property.at, value: property.value });
        const wasChain = node.kind === 'chain';
        const object = node.kind === 'chain' ? node.node : node;
        const member: Node = this.make({ kind: 'member', at: property.at, object, property: name, optional, method: false as boolean });
        if (this.is('Bracket', '(')) {
          (member as { method: boolean }).method = true;
          node = this.make({ kind: 'call', at: property.at, callee: member, args: this.arguments([]) });
        } else {
          node = member;
        }
        if (wasChain || optional) node = this.make({ kind: 'chain', at: property.at, node });
      } else if (token.value === '[') {
        node = this.subscript(node, false);
      } else {
        return node;
      }
    }
  }

  /** `a[i]`, `a[i:j]`, `a[:j]`, `a[i:]`, `a[:]`, and `a?.[i]`. */
  private subscript(object: Node, optional: boolean): Node {
    const open = this.expect('Bracket', '[');
    if (this.is('Operator', ':')) {
      this.advance();
      const to = this.is('Bracket', ']') ? null : this.expression(0);
      const node = this.make({ kind: 'slice', at: open.at, object, from: null, to });
      this.expect('Bracket', ']');
      return node;
    }
    const from = this.expression(0);
    if (this.is('Operator', ':')) {
      this.advance();
      const to = this.is('Bracket', ']') ? null : this.expression(0);
      const node = this.make({ kind: 'slice', at: open.at, object, from, to });
      this.expect('Bracket', ']');
      return node;
    }
    let node: Node = this.make({ kind: 'member', at: open.at, object, property: from, optional, method: false });
    if (optional) node = this.make({ kind: 'chain', at: open.at, node });
    this.expect('Bracket', ']');
    return node;
  }
}

/** After `.`, an identifier or a keyword spelled like one (`x.in`, `x.not`) names a property. */
function isName(token: Token): boolean {
  if (token.kind === 'Identifier') return true;
  if (token.kind !== 'Operator' || token.value === '') return false;
  const chars = [...token.value];
  return isIdentifierStart(chars[0]!) && chars.every(isIdentifierPart);
}
