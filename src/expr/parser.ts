/**
 * Tokens -> AST by precedence climbing, with expr-lang's precedence table, comparison chaining
 * (`1 < x < 3`), `not in`-style negated operators, predicates, pipes and optional chaining.
 * Recursion is bounded by an explicit depth counter so hostile input gets an ExprError, never a
 * RangeError from the JavaScript stack.
 */
import { children, type BinaryOperator, type Node, type UnaryOperator } from './ast.js';
import { errorAt, ExprError } from './errors.js';
import { LIMITS } from './limits.js';
import { describeToken, isIdentifierPart, isIdentifierStart, tokenize, type Token, type TokenKind } from './tokenizer.js';

interface OperatorInfo {
  precedence: number;
  right: boolean;
  op: BinaryOperator | '|';
}

// Maps, not object literals: the keys looked up come from the input, and must never reach Object.prototype.
const BINARY = new Map<string, OperatorInfo>(
  Object.entries({
    '|': { precedence: 0, right: false, op: '|' },
    or: { precedence: 10, right: false, op: '||' },
    '||': { precedence: 10, right: false, op: '||' },
    and: { precedence: 15, right: false, op: '&&' },
    '&&': { precedence: 15, right: false, op: '&&' },
    '==': { precedence: 20, right: false, op: '==' },
    '!=': { precedence: 20, right: false, op: '!=' },
    '<': { precedence: 20, right: false, op: '<' },
    '>': { precedence: 20, right: false, op: '>' },
    '>=': { precedence: 20, right: false, op: '>=' },
    '<=': { precedence: 20, right: false, op: '<=' },
    in: { precedence: 20, right: false, op: 'in' },
    matches: { precedence: 20, right: false, op: 'matches' },
    contains: { precedence: 20, right: false, op: 'contains' },
    startsWith: { precedence: 20, right: false, op: 'startsWith' },
    endsWith: { precedence: 20, right: false, op: 'endsWith' },
    '..': { precedence: 25, right: false, op: '..' },
    '+': { precedence: 30, right: false, op: '+' },
    '-': { precedence: 30, right: false, op: '-' },
    '*': { precedence: 60, right: false, op: '*' },
    '/': { precedence: 60, right: false, op: '/' },
    '%': { precedence: 60, right: false, op: '%' },
    '**': { precedence: 100, right: true, op: '**' },
    '^': { precedence: 100, right: true, op: '**' },
    '??': { precedence: 500, right: false, op: '??' },
  } satisfies Record<string, OperatorInfo>),
);

// `not` binds tighter than comparisons in expr: `not a == b` is `(not a) == b`.
const UNARY = new Map<string, { precedence: number; op: UnaryOperator }>([
  ['not', { precedence: 50, op: '!' }],
  ['!', { precedence: 50, op: '!' }],
  ['-', { precedence: 90, op: '-' }],
  ['+', { precedence: 90, op: '+' }],
]);

const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);
const CHAINED_COMPARISONS = new Set(['<', '>', '<=', '>=']);

type ArgShape = 'expr' | 'predicate' | 'optional-predicate' | 'optional-expr';

/** expr's builtins whose arguments include a closure; the parser must know them to parse `# > 1`. */
export const PREDICATE_SHAPES: ReadonlyMap<string, readonly ArgShape[]> = new Map(
  Object.entries({
    all: ['expr', 'predicate'],
    none: ['expr', 'predicate'],
    any: ['expr', 'predicate'],
    one: ['expr', 'predicate'],
    filter: ['expr', 'predicate'],
    map: ['expr', 'predicate'],
    count: ['expr', 'optional-predicate'],
    sum: ['expr', 'optional-predicate'],
    find: ['expr', 'predicate'],
    findIndex: ['expr', 'predicate'],
    findLast: ['expr', 'predicate'],
    findLastIndex: ['expr', 'predicate'],
    groupBy: ['expr', 'predicate'],
    sortBy: ['expr', 'predicate', 'optional-expr'],
    reduce: ['expr', 'predicate', 'optional-expr'],
  } satisfies Record<string, ArgShape[]>),
);

export interface ParseResult {
  root: Node;
  nodeCount: number;
}

export function parse(source: string): ParseResult {
  if (source.length > LIMITS.maxSourceLength) {
    throw new ExprError('compile', `expression is too long (${source.length} characters, at most ${LIMITS.maxSourceLength})`);
  }
  return new Parser(source, tokenize(source)).parseAll();
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
  ) {}

  parseAll(): ParseResult {
    const root = this.expression(0);
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

  private expect(kind: TokenKind, value: string): Token {
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
  private make<N extends Node>(node: N): N {
    if (++this.nodeCount > LIMITS.maxNodes) {
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

  private expression(precedence: number): Node {
    if (++this.nesting > LIMITS.maxDepth) throw this.tooDeep(this.current.at);
    try {
      return this.expressionBody(precedence);
    } finally {
      this.nesting--;
    }
  }

  private expressionBody(precedence: number): Node {
    if (precedence === 0 && this.is('Operator', 'let')) {
      throw this.error('variables (let) are not supported in conditions');
    }
    if (precedence === 0 && this.is('Operator', 'if')) {
      throw this.error('if/else blocks are not supported in conditions; use `cond ? a : b`');
    }
    let left = this.primary();
    let previous = '';
    while (this.is('Operator')) {
      let opToken = this.current;
      let negated: Token | null = null;
      if (opToken.value === 'not') {
        const suffix = this.peekToken(1);
        if (suffix.kind !== 'Operator' || !NEGATABLE.has(suffix.value)) throw this.unexpected(suffix);
        if (BINARY.get(suffix.value)!.precedence < precedence) break;
        negated = this.advance();
        opToken = suffix;
      }
      const info = BINARY.get(opToken.value);
      if (!info || info.precedence < precedence) break;
      this.advance();
      if (info.op === '|') {
        left = this.pipe(left);
      } else {
        if (previous === '??' && info.op !== '??') {
          throw this.error(
            `Operator (${opToken.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
            opToken.at,
          );
        }
        if (CHAINED_COMPARISONS.has(info.op)) {
          left = this.comparison(left, opToken, info.precedence);
        } else {
          const right = this.expression(info.right ? info.precedence : info.precedence + 1);
          left = this.make({ kind: 'binary', at: opToken.at, op: info.op, spelled: opToken.value, left, right });
        }
        if (negated) left = this.make({ kind: 'unary', at: negated.at, op: '!', spelled: 'not', operand: left });
      }
      previous = opToken.value;
    }
    return precedence === 0 ? this.conditional(left) : left;
  }

  /** `a < b <= c` means `a < b && b <= c`, as in expr. */
  private comparison(first: Node, firstOp: Token, precedence: number): Node {
    let left = first;
    let opToken = firstOp;
    let root: Node | null = null;
    for (;;) {
      const right = this.expression(precedence + 1);
      const op = BINARY.get(opToken.value)!.op as BinaryOperator;
      const node = this.make({ kind: 'binary', at: opToken.at, op, spelled: opToken.value, left, right });
      root = root ? this.make({ kind: 'binary', at: opToken.at, op: '&&', spelled: '&&', left: root, right: node }) : node;
      if (!(this.is('Operator') && CHAINED_COMPARISONS.has(this.current.value))) return root;
      left = right;
      opToken = this.advance();
    }
  }

  /** `x | f(a)` is `f(x, a)`. */
  private pipe(left: Node): Node {
    if (!this.is('Identifier')) throw this.unexpected();
    return this.call(this.advance(), [left]);
  }

  private conditional(test: Node): Node {
    let node = test;
    while (this.is('Operator', '?')) {
      const question = this.advance();
      let then: Node;
      let otherwise: Node;
      if (this.is('Operator', ':')) {
        // `a ?: b` is expr's short form of `a ? a : b`.
        this.advance();
        then = node;
        otherwise = this.expression(0);
      } else {
        then = this.expression(0);
        this.expect('Operator', ':');
        otherwise = this.expression(0);
      }
      node = this.make({ kind: 'conditional', at: question.at, test: node, then, otherwise });
    }
    return node;
  }

  private primary(): Node {
    const token = this.current;
    const unary = token.kind === 'Operator' ? UNARY.get(token.value) : undefined;
    if (unary) {
      const { precedence, op } = unary;
      this.advance();
      const operand = this.expression(precedence);
      return this.postfix(this.make({ kind: 'unary', at: token.at, op, spelled: token.value, operand }));
    }
    if (this.is('Bracket', '(')) {
      this.advance();
      const inner = this.expression(0);
      if (this.is('Operator', ';')) throw this.error('sequences (;) are not supported in conditions');
      this.expect('Bracket', ')');
      return this.postfix(inner);
    }
    if (token.kind === 'Operator' && (token.value === '#' || token.value === '.')) {
      if (this.predicateDepth === 0) {
        throw token.value === '#' ? this.error('cannot use pointer accessor outside predicate') : this.unexpected();
      }
      let name = '';
      if (token.value === '#') {
        this.advance();
        if (this.is('Identifier') && this.current.at === token.at + 1) name = this.advance().value;
      }
      // A leading `.field` stays in the stream: postfix() reads it as a member of `#`.
      return this.postfix(this.make({ kind: 'pointer', at: token.at, name }));
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
        if (this.is('Bracket', '(')) return this.postfix(this.call(token, []));
        return this.postfix(this.make({ kind: 'identifier', at: token.at, name: token.value }));
      }
      case 'Number':
        this.advance();
        return this.postfix(this.number(token));
      case 'String':
        this.advance();
        return this.postfix(this.make({ kind: 'string', at: token.at, value: token.value }));
      case 'Bracket':
        if (token.value === '[') return this.postfix(this.array());
        if (token.value === '{') return this.postfix(this.map());
        throw this.unexpected();
      case 'Operator':
      case 'EOF':
        throw this.unexpected();
    }
  }

  private number(token: Token): Node {
    const text = token.value.replace(/_/g, '');
    const lower = text.toLowerCase();
    const intLiteral = (what: string, digits: string, radix: string): Node => {
      const quoted = JSON.stringify(text);
      if (!/^[0-9a-f]+$/.test(digits)) {
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
      const quoted = JSON.stringify(text);
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
    return intLiteral('integer', lower, '');
  }

  private call(name: Token, piped: Node[]): Node {
    const shape = PREDICATE_SHAPES.get(name.value) ?? null;
    const args = shape ? this.predicateArguments(shape.slice(piped.length), [...piped]) : this.arguments([...piped]);
    return this.make({ kind: 'call', at: name.at, name: name.value, args });
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
      args.push(kind === 'predicate' || kind === 'optional-predicate' ? this.predicate() : this.expression(0));
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
    const body = this.expression(0);
    this.predicateDepth--;
    if (this.is('Operator', ';')) {
      throw this.error(braces ? 'sequences (;) are not supported in conditions' : 'wrap predicate with brackets { and }');
    }
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
    const entries: { key: Node; value: Node }[] = [];
    while (!this.is('Bracket', '}')) {
      if (entries.length > 0) {
        this.expect('Operator', ',');
        if (this.is('Bracket', '}')) break;
      }
      let key: Node;
      const token = this.current;
      if (token.kind === 'Number' || token.kind === 'String' || token.kind === 'Identifier') {
        this.advance();
        key = this.make({ kind: 'string', at: token.at, value: token.value });
      } else if (this.is('Bracket', '(')) {
        key = this.expression(0);
      } else {
        throw this.error(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describeToken(token)})`,
        );
      }
      this.expect('Operator', ':');
      entries.push({ key, value: this.expression(0) });
    }
    this.expect('Bracket', '}');
    return this.make({ kind: 'map', at: open.at, entries });
  }

  private postfix(start: Node): Node {
    let node = start;
    for (;;) {
      const token = this.current;
      const optional = token.kind === 'Operator' && token.value === '?.';
      if (optional && this.peekToken(1).kind === 'Bracket' && this.peekToken(1).value === '[') {
        this.advance();
        node = this.subscript(node, true);
      } else if (optional || (token.kind === 'Operator' && token.value === '.')) {
        this.advance();
        const property = this.advance();
        if (!isName(property)) throw this.error('expected name', property.at);
        const wasChain = node.kind === 'chain';
        const object = node.kind === 'chain' ? node.node : node;
        if (this.is('Bracket', '(')) throw this.error(`method calls are not supported (${property.value})`, property.at);
        const name = this.make({ kind: 'string', at: property.at, value: property.value });
        const member = this.make({ kind: 'member', at: property.at, object, property: name, optional });
        node = wasChain || optional ? this.make({ kind: 'chain', at: property.at, node: member }) : member;
      } else if (token.kind === 'Bracket' && token.value === '[') {
        node = this.subscript(node, false);
      } else {
        return node;
      }
    }
  }

  /** `a[i]`, `a[i:j]`, `a[:j]`, `a[i:]`, `a[:]`, and `a?.[i]`. */
  private subscript(object: Node, optional: boolean): Node {
    const open = this.expect('Bracket', '[');
    let from: Node | null = null;
    if (!this.is('Operator', ':')) {
      from = this.expression(0);
      if (!this.is('Operator', ':')) {
        this.expect('Bracket', ']');
        const member = this.make({ kind: 'member', at: open.at, object, property: from, optional });
        return optional ? this.make({ kind: 'chain', at: open.at, node: member }) : member;
      }
    }
    this.advance();
    const to = this.is('Bracket', ']') ? null : this.expression(0);
    this.expect('Bracket', ']');
    return this.make({ kind: 'slice', at: open.at, object, from, to });
  }
}

/** After `.`, an identifier or a keyword spelled like one (`x.in`, `x.not`) names a property. */
function isName(token: Token): boolean {
  if (token.kind === 'Identifier') return true;
  if (token.kind !== 'Operator' || token.value === '') return false;
  const chars = [...token.value];
  return isIdentifierStart(chars[0]!) && chars.every(isIdentifierPart);
}
