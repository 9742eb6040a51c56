/**
 * `canary completion bash|zsh|fish`: the shell's completion script. Each asks `canary __complete`
 * (src/cli/complete.ts) for the words of the command line being typed: verbs, flags and their
 * choices, file names, rollout names, namespaces and contexts from the cluster.
 */
import type { Outcome } from '../contract/outcome.js';
import { write, type Io } from '../contract/io.js';
import type { Invocation } from '../contract/verb.js';

const BASH = `# canary completion for bash. Load it now:   source <(canary completion bash)
# or for every shell: canary completion bash > /etc/bash_completion.d/canary
_canary_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} IFS=$'\\n' out
  out=$("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if [[ $out == ":files" ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
  fi
}
complete -F _canary_complete canary kubectl-canary
`;

const ZSH = `#compdef canary kubectl-canary
# canary completion for zsh. Load it now:   source <(canary completion zsh)
# or for every shell: canary completion zsh > "\${fpath[1]}/_canary"
_canary() {
  local -a out
  out=("\${(@f)$(\${words[1]} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ \${out[1]} == ":files" ]]; then
    _files
  else
    compadd -- "\${out[@]}"
  fi
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _canary "$@"
else
  compdef _canary canary kubectl-canary
fi
`;

const FISH = `# canary completion for fish. Load it now:   canary completion fish | source
# or for every shell: canary completion fish > ~/.config/fish/completions/canary.fish
function __canary_complete
    set -l cmd (commandline -opc)
    set -l out (command $cmd[1] __complete $cmd[2..-1] (commandline -ct) 2>/dev/null)
    if test "$out[1]" = ":files"
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $out
    end
end
complete -c canary -f -a '(__canary_complete)'
complete -c kubectl-canary -f -a '(__canary_complete)'
`;

export const SCRIPTS = { bash: BASH, zsh: ZSH, fish: FISH } as const;

export default async function completion(inv: Invocation, io: Io): Promise<Outcome> {
  write(io.stdout, SCRIPTS[inv.args[0] as keyof typeof SCRIPTS]);
  return 'ok';
}
