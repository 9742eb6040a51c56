/**
 * The canary commands that hints print are pasted as they are, so each names the rollout's
 * namespace and, when the user gave one, the kubeconfig context: pasted into another shell (or a CI
 * step with another default namespace), it still acts on the same rollout.
 */
export interface HintTarget {
  /** The rollout; null for a command about the namespace (`canary status -n apps`). */
  name: string | null;
  namespace: string;
  /** --context, when given. */
  context?: string | null;
}

/** `canary abort myapp -n apps --context prod`, with `extra` flags after the target. */
export function canaryCommand(verb: string, t: HintTarget, extra = ''): string {
  const parts = ['canary', verb];
  if (t.name) parts.push(quote(t.name));
  parts.push('-n', quote(t.namespace));
  if (t.context) parts.push('--context', quote(t.context));
  if (extra) parts.push(extra);
  return parts.join(' ');
}

/** The same command in backticks, as hints print commands. */
export function hintCommand(verb: string, t: HintTarget, extra = ''): string {
  return `\`${canaryCommand(verb, t, extra)}\``;
}

/** POSIX shell quoting, only where needed: Kubernetes names never need it, context names may. */
function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A stored message as this reader pastes its commands: the engine stores them without --context (the
 * run state outlives whoever's kubeconfig wrote it), so each command naming the rollout's namespace
 * gets the reader's --context when they gave one.
 */
export function forReader(text: string, t: HintTarget): string {
  if (!t.context) return text;
  const ns = ` -n ${quote(t.namespace)}`;
  const context = ` --context ${quote(t.context)}`;
  return text.replace(/`(canary [^`]*)`/g, (whole, cmd: string) => {
    const at = cmd.endsWith(ns) ? cmd.length - ns.length : cmd.indexOf(`${ns} `);
    if (at < 0 || cmd.includes(' --context ')) return whole;
    return `\`${cmd.slice(0, at + ns.length)}${context}${cmd.slice(at + ns.length)}\``;
  });
}
