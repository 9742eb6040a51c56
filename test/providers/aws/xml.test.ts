/** The small XML reader for AWS's Query-protocol answers: namespaces, entities, lists, and refusals. */
import { members, parseXml, textAt } from '../../../src/providers/aws/xml.js';

describe('parseXml', () => {
  it('reads elements and text, skipping the declaration and namespace prefixes', () => {
    const doc = parseXml('<?xml version="1.0"?>\n<a:R xmlns:a="urn:x"><a:B>one &amp; two &lt;3&gt; &#65;&#x42;</a:B><C/><!-- c --><D><![CDATA[<raw>]]></D></a:R>');
    expect(textAt(doc, 'R', 'B')).toBe('one & two <3> AB');
    expect(textAt(doc, 'R', 'C')).toBe('');
    expect(textAt(doc, 'R', 'D')).toBe('<raw>');
    expect(textAt(doc, 'R', 'E')).toBeNull();
  });

  it('lists are <member> children', () => {
    const doc = parseXml('<R><Values><member>1</member><member>2.5</member></Values><Empty/></R>');
    expect(members(doc, 'R', 'Values').map((m) => m.text)).toEqual(['1', '2.5']);
    expect(members(doc, 'R', 'Empty')).toEqual([]);
    expect(members(doc, 'R', 'Missing')).toEqual([]);
  });

  it.each([
    ['<R><B></R>', 'malformed XML: unexpected </R> at offset 6'],
    ['<R>', 'malformed XML: <R> is not closed'],
    ['<R><B', 'malformed XML: no ">" after offset 3'],
  ])('refuses %s', (text, message) => {
    expect(() => parseXml(text)).toThrow(message);
  });
});
