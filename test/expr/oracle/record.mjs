// Joins cases and the oracle's answers into recorded.json, keeping only the cases whose answer
// was the same in every run (keys()/values()/toPairs() of a map follow Go's random map order):
//   node record.mjs cases.jsonl answers1.jsonl answers2.jsonl ... > recorded.json
import { readFileSync } from 'node:fs';

const [casesPath, ...runs] = process.argv.slice(2);
const read = (path) => readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const cases = read(casesPath);
const answers = runs.map(read);
const out = [];
let unstable = 0;
cases.forEach((c, i) => {
  const seen = answers.map((run) => JSON.stringify(run[i]));
  if (seen.some((a) => a !== seen[0])) {
    unstable++;
    return;
  }
  const a = answers[0][i];
  if (a.id !== c.id) throw new Error(`answer ${a.id} does not belong to case ${c.id}`);
  // [expression, result kind, result value, phase, message or type, value]
  const row = [c.expr, c.result.kind, c.result.value ?? null, a.phase];
  if (a.phase === 'value') row.push(a.type, a.value);
  else row.push(a.message);
  out.push(row);
});
process.stderr.write(`${out.length} cases recorded, ${unstable} unstable ones left out\n`);
process.stdout.write(`{"expr":"github.com/expr-lang/expr v1.17.8","cases":[\n${out.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`);
