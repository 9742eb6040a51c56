import { goSyntaxError, goTypeError, quoteChar } from '../go-json.js';

describe("Go's encoding/json error messages", () => {
  it.each<[string, string | undefined]>([
    ['{"a": 1}', undefined],
    ['  [1, 2.5e-3, "x\\u00e9", true, false, null]  ', undefined],
    ['', 'unexpected end of JSON input'],
    ['{"a": ', 'unexpected end of JSON input'],
    ['xyz', "invalid character 'x' looking for beginning of value"],
    ['{a: 1}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a": 1 "b": 2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a": 1}}', "invalid character '}' after top-level value"],
    ['{"a": tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a": nul', 'unexpected end of JSON input'],
    ['[-]', "invalid character ']' in numeric literal"],
    ['[1.]', "invalid character ']' after decimal point in numeric literal"],
    ['[1e]', "invalid character ']' in exponent of numeric literal"],
    ['["\\q"]', "invalid character 'q' in string escape code"],
    ['["a\nb"]', "invalid character '\\n' in string literal"],
    ["{'a': 1}", "invalid character '\\'' looking for beginning of object key string"],
    ['01', "invalid character '1' after top-level value"],
  ])('%j -> %s', (input, message) => {
    expect(goSyntaxError(input)).toBe(message);
  });

  it('names the JSON kind that cannot be unmarshalled into a Go type', () => {
    expect(goTypeError([], 'map[string]interface {}').message).toBe('json: cannot unmarshal array into Go value of type map[string]interface {}');
    expect(goTypeError('s', 'jsonpatch.Operation').message).toBe('json: cannot unmarshal string into Go value of type jsonpatch.Operation');
  });

  it('quotes characters as strconv.Quote does', () => {
    expect(quoteChar('\t')).toBe("'\\t'");
    expect(quoteChar('\x01')).toBe("'\\x01'");
    expect(quoteChar('"')).toBe(`'"'`);
  });
});
