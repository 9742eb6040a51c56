/**
 * Go-compatible regular expressions run by a Pike VM: time is O(text x program) whatever the
 * pattern, like RE2 and unlike JavaScript's backtracking RegExp, where `(a+)+$` can hang the
 * process. Only "does it match anywhere" is needed (Go's MatchString), so there are no captures.
 */
import { Lru } from './cache.js';
import { Fault } from './errors.js';
import { LIMITS } from './limits.js';
import { parseRegex, type Assertion, type CharSet, type RegexNode } from './regex-syntax.js';

type Instruction =
  | { op: 'set'; set: CharSet }
  | { op: 'any'; newline: boolean }
  | { op: 'split'; x: number; y: number }
  | { op: 'jump'; x: number }
  | { op: 'assert'; kind: Assertion }
  | { op: 'match' };

export interface GoRegex {
  readonly pattern: string;
  /** Instructions in the compiled program: what compiling it cost. */
  readonly size: number;
  /** Go's regexp.MatchString. `charge` is called with the work done, for the caller's step budget. */
  test(text: string, charge: (steps: number) => void): boolean;
}

/** Throws Fault with Go's wording ("error parsing regexp: ...") for invalid patterns. */
export function compileGoRegex(pattern: string): GoRegex {
  const program = new Compiler().compile(parseRegex(pattern));
  return { pattern, size: program.length, test: (text, charge) => run(program, text, charge) };
}

const cache = new Lru<string, GoRegex | Fault>(128);

/** compileGoRegex through a small cache: conditions use the same few patterns every interval. */
export function cachedGoRegex(pattern: string): GoRegex {
  let entry = cache.get(pattern);
  if (entry === undefined) {
    try {
      entry = compileGoRegex(pattern);
    } catch (err) {
      if (!(err instanceof Fault)) throw err;
      entry = err;
    }
    cache.set(pattern, entry);
  }
  if (entry instanceof Fault) throw new Fault(entry.message);
  return entry;
}

class Compiler {
  private readonly program: Instruction[] = [];

  compile(root: RegexNode): Instruction[] {
    this.emit(root);
    this.push({ op: 'match' });
    return this.program;
  }

  private push(instruction: Instruction): number {
    if (this.program.length >= LIMITS.maxRegexProgram) throw new Fault('error parsing regexp: expression too large');
    this.program.push(instruction);
    return this.program.length - 1;
  }

  private emit(node: RegexNode): void {
    switch (node.t) {
      case 'empty':
        return;
      case 'set':
        this.push({ op: 'set', set: node.set });
        return;
      case 'any':
        this.push({ op: 'any', newline: node.newline });
        return;
      case 'assert':
        this.push({ op: 'assert', kind: node.kind });
        return;
      case 'concat':
        for (const item of node.items) this.emit(item);
        return;
      case 'alternate': {
        const exits: number[] = [];
        node.items.forEach((item, i) => {
          if (i < node.items.length - 1) {
            const split = this.push({ op: 'split', x: 0, y: 0 });
            this.emit(item);
            exits.push(this.push({ op: 'jump', x: 0 }));
            this.patchSplit(split, split + 1, this.program.length);
          } else {
            this.emit(item);
          }
        });
        for (const exit of exits) this.program[exit] = { op: 'jump', x: this.program.length };
        return;
      }
      case 'repeat':
        this.repeat(node.node, node.min, node.max);
        return;
    }
  }

  private patchSplit(at: number, x: number, y: number): void {
    this.program[at] = { op: 'split', x, y };
  }

  /** x{min,max} unrolled: min copies, then either a loop or (max - min) optional copies. */
  private repeat(node: RegexNode, min: number, max: number): void {
    for (let i = 0; i < min; i++) this.emit(node);
    if (max === -1) {
      const split = this.push({ op: 'split', x: 0, y: 0 });
      this.emit(node);
      this.push({ op: 'jump', x: split });
      this.patchSplit(split, split + 1, this.program.length);
      return;
    }
    const splits: number[] = [];
    for (let i = min; i < max; i++) {
      splits.push(this.push({ op: 'split', x: 0, y: 0 }));
      this.emit(node);
    }
    for (const split of splits) this.patchSplit(split, split + 1, this.program.length);
  }
}

/** Thread lists with O(1) membership: a stamp per instruction instead of clearing a set. */
class ThreadList {
  readonly pcs: number[] = [];
  private readonly stamps: Uint32Array;
  private generation = 1;

  constructor(size: number) {
    this.stamps = new Uint32Array(size);
  }

  add(pc: number): boolean {
    if (this.stamps[pc] === this.generation) return false;
    this.stamps[pc] = this.generation;
    this.pcs.push(pc);
    return true;
  }

  clear(): void {
    this.pcs.length = 0;
    this.generation++;
  }
}

function run(program: Instruction[], text: string, charge: (steps: number) => void): boolean {
  const input = Array.from(text, (c) => c.codePointAt(0)!);
  charge(input.length);
  let current = new ThreadList(program.length);
  let next = new ThreadList(program.length);
  const stack: number[] = [];

  /** Follows jumps, splits and assertions from `pc` at `pos`; true when `match` is reachable. */
  const follow = (list: ThreadList, start: number, pos: number): boolean => {
    stack.push(start);
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (!list.add(pc)) continue;
      const inst = program[pc]!;
      switch (inst.op) {
        case 'match':
          stack.length = 0;
          return true;
        case 'jump':
          stack.push(inst.x);
          break;
        case 'split':
          stack.push(inst.y, inst.x);
          break;
        case 'assert':
          if (holds(inst.kind, input, pos)) stack.push(pc + 1);
          break;
        case 'set':
        case 'any':
          break;
      }
    }
    return false;
  };

  for (let pos = 0; ; pos++) {
    // A new thread at every position makes the search unanchored, like MatchString.
    if (follow(current, 0, pos)) return true;
    if (pos === input.length) return false;
    const cp = input[pos]!;
    charge(current.pcs.length);
    for (const pc of current.pcs) {
      const inst = program[pc]!;
      const consumes = inst.op === 'set' ? inSet(inst.set, cp) : inst.op === 'any' && (inst.newline || cp !== 10);
      if (consumes && follow(next, pc + 1, pos + 1)) return true;
    }
    [current, next] = [next, current];
    next.clear();
  }
}

function holds(kind: Assertion, input: number[], pos: number): boolean {
  switch (kind) {
    case 'beginText':
      return pos === 0;
    case 'endText':
      return pos === input.length;
    case 'beginLine':
      return pos === 0 || input[pos - 1] === 10;
    case 'endLine':
      return pos === input.length || input[pos] === 10;
    case 'wordBoundary':
      return isWord(input[pos - 1]) !== isWord(input[pos]);
    case 'notWordBoundary':
      return isWord(input[pos - 1]) === isWord(input[pos]);
  }
}

/** Go's \b uses ASCII word characters. */
function isWord(cp: number | undefined): boolean {
  return cp !== undefined && ((cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122) || cp === 95);
}

function inSet(set: CharSet, cp: number): boolean {
  let found = contains(set, cp);
  if (!found && set.fold) {
    const ch = String.fromCodePoint(cp);
    for (const variant of [ch.toLowerCase(), ch.toUpperCase()]) {
      const v = variant.codePointAt(0)!;
      if (variant.length === String.fromCodePoint(v).length && v !== cp && contains(set, v)) found = true;
    }
  }
  return found !== set.negated;
}

function contains(set: CharSet, cp: number): boolean {
  for (const [lo, hi] of set.ranges) if (cp >= lo && cp <= hi) return true;
  if (set.properties.length === 0) return false;
  const ch = String.fromCodePoint(cp);
  return set.properties.some((p) => p.test(ch));
}
