/**
 * Just enough XML for AWS's Query-protocol answers (CloudWatch, STS): elements, text, the five
 * entities and character references; attributes, comments, the declaration and CDATA are skipped
 * or kept as text. Not a general parser: it refuses what it does not understand rather than guess.
 */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** Concatenated text directly inside the element, entities decoded. */
  text: string;
}

export function parseXml(source: string): XmlElement {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const text = lt < 0 ? source.slice(i) : source.slice(i, lt);
    if (text.trim() !== '') stack.at(-1)!.text += decodeEntities(text);
    if (lt < 0) break;
    if (source.startsWith('<?', lt)) i = after(source, '?>', lt);
    else if (source.startsWith('<!--', lt)) i = after(source, '-->', lt);
    else if (source.startsWith('<![CDATA[', lt)) {
      const end = after(source, ']]>', lt);
      stack.at(-1)!.text += source.slice(lt + 9, end - 3);
      i = end;
    } else if (source.startsWith('<!', lt)) i = after(source, '>', lt);
    else if (source.startsWith('</', lt)) {
      const end = after(source, '>', lt);
      const name = localName(source.slice(lt + 2, end - 1).trim());
      const open = stack.pop();
      if (!open || open === root || open.name !== name) throw new Error(`malformed XML: unexpected </${name}> at offset ${lt}`);
      i = end;
    } else {
      const end = after(source, '>', lt);
      const body = source.slice(lt + 1, end - 1);
      const selfClosing = body.endsWith('/');
      const name = localName(/^[^\s/>]+/.exec(body)?.[0] ?? '');
      if (!name) throw new Error(`malformed XML: empty tag at offset ${lt}`);
      const el: XmlElement = { name, children: [], text: '' };
      stack.at(-1)!.children.push(el);
      if (!selfClosing) stack.push(el);
      i = end;
    }
  }
  if (stack.length !== 1) throw new Error(`malformed XML: <${stack.at(-1)!.name}> is not closed`);
  return root;
}

/** The first descendant on `path` (element names, namespace prefixes ignored), or null. */
export function find(el: XmlElement, ...path: string[]): XmlElement | null {
  let current: XmlElement | null = el;
  for (const name of path) {
    current = current?.children.find((c) => c.name === name) ?? null;
    if (!current) return null;
  }
  return current;
}

/** The text at `path`, or null when absent. */
export function textAt(el: XmlElement, ...path: string[]): string | null {
  return find(el, ...path)?.text ?? null;
}

/** The `<member>` children of the list at `path` (the Query protocol's list encoding). */
export function members(el: XmlElement, ...path: string[]): XmlElement[] {
  return (find(el, ...path)?.children ?? []).filter((c) => c.name === 'member');
}

function after(source: string, token: string, from: number): number {
  const at = source.indexOf(token, from);
  if (at < 0) throw new Error(`malformed XML: no "${token}" after offset ${from}`);
  return at + token.length;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    return ENTITIES[ref] ?? whole;
  });
}
