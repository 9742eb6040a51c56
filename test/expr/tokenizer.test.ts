/** Tokens as expr's lexer produces them: keywords as operators, numbers before ranges, comments. */
import { describeToken, tokenize } from '../../src/expr/tokenizer.js';

const show = (source: string) => tokenize(source).map(describeToken);

it.each<[string, string[]]>([
  ['a not in b', ['Identifier("a")', 'Operator("not")', 'Operator("in")', 'Identifier("b")', 'EOF']],
  ['a?.b ?? c', ['Identifier("a")', 'Operator("?.")', 'Identifier("b")', 'Operator("??")', 'Identifier("c")', 'EOF']],
  ['1..3', ['Number("1")', 'Operator("..")', 'Number("3")', 'EOF']],
  ['.5 + 1.', ['Number(".5")', 'Operator("+")', 'Number("1.")', 'EOF']],
  ['1e-3 0x1F 1_000', ['Number("1e-3")', 'Number("0x1F")', 'Number("1_000")', 'EOF']],
  ['#index #', ['Operator("#")', 'Identifier("index")', 'Operator("#")', 'EOF']],
  ['a // rest\n/* block */ b', ['Identifier("a")', 'Identifier("b")', 'EOF']],
  ['a == b != c <= d >= e ** f && g || h', ['Identifier("a")', 'Operator("==")', 'Identifier("b")', 'Operator("!=")', 'Identifier("c")', 'Operator("<=")', 'Identifier("d")', 'Operator(">=")', 'Identifier("e")', 'Operator("**")', 'Identifier("f")', 'Operator("&&")', 'Identifier("g")', 'Operator("||")', 'Identifier("h")', 'EOF']],
  ['x | f', ['Identifier("x")', 'Operator("|")', 'Identifier("f")', 'EOF']],
  ['$var _x é', ['Identifier("$var")', 'Identifier("_x")', 'Identifier("é")', 'EOF']],
  ['startsWith endsWith contains matches', ['Operator("startsWith")', 'Operator("endsWith")', 'Operator("contains")', 'Operator("matches")', 'EOF']],
])('%j', (source, expected) => {
  expect(show(source)).toEqual(expected);
});

it.each<[string, string]>([
  ['"a\\nb"', 'a\nb'],
  ["'it\\'s'", "it's"],
  ['"\\x41\\u00e9\\U0001F600\\u{1F600}\\101"', 'Aé😀😀A'],
  ['`raw\\n``tick`', 'raw\\n`tick'],
  ['"crlf\r\n"'.replace('\n', ''), 'crlf\n'],
])('string %j', (source, value) => {
  expect(tokenize(source)[0]).toMatchObject({ kind: 'String', value });
});

it('records UTF-16 offsets', () => {
  expect(tokenize('"😀" + x').map((t) => t.at)).toEqual([0, 5, 7, 7]);
});
