/**
 * Bounds on the work one expression may cause. Conditions come from manifests that anyone with
 * write access to a repository can edit, and they run in the same process as the rollout driver, so
 * no input may hang it or blow its stack. Real conditions are a few dozen nodes deep at most.
 */
export const LIMITS = {
  /** Characters of source. */
  maxSourceLength: 65_536,
  /** AST nodes (expr's own default MaxNodes). */
  maxNodes: 10_000,
  /** Nesting, counted both while parsing (parentheses, unary chains) and in the finished tree
   * (long operator chains). Keeps every recursive walk far below the JavaScript stack limit. */
  maxDepth: 256,
  /** Evaluation steps: one per node evaluated, per element built or scanned, per `charsPerStep`
   * characters of text handled, per regex step. */
  maxSteps: 1_000_000,
  /** Text is charged in chunks, so a huge string repeated by a predicate cannot escape the budget. */
  charsPerStep: 32,
  /** Instructions of one compiled regular expression (RE2 rejects large ones too). */
  maxRegexProgram: 10_000,
  /** Repetition count in `x{n,m}`, as in Go's regexp/syntax. */
  maxRegexRepeat: 1000,
} as const;
