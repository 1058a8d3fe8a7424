import { describe, expect, it } from 'vitest';
import { decodeXml, XmlDecodeError, XmlSyntaxError } from '../../../runtime/encoding/decode-xml.js';

describe('decodeXml (mxj NewMapXml, no casting)', () => {
  it('makes the root element the only key and keeps every leaf a string', () => {
    expect(decodeXml('<r><n>42</n><b>true</b><f>1.5</f><z>null</z></r>')).toEqual({
      r: { n: '42', b: 'true', f: '1.5', z: 'null' },
    });
  });

  it('prefixes attributes with "-" and moves text of an element with attributes to #text', () => {
    expect(decodeXml('<a id="1" kind=\'x\'>hello</a>')).toEqual({ a: { '-id': '1', '-kind': 'x', '#text': 'hello' } });
    expect(decodeXml('<a><b c="1"/></a>')).toEqual({ a: { b: { '-c': '1' } } });
  });

  it('decodes an empty element as "" whether self-closed, empty or blank', () => {
    expect(decodeXml('<a><b/><c></c><d>  \n\t </d></a>')).toEqual({ a: { b: '', c: '', d: '' } });
    expect(decodeXml('<a/>')).toEqual({ a: '' });
  });

  it('turns repeated siblings into a list in document order, even when not adjacent', () => {
    expect(decodeXml('<a><i>1</i><x>y</x><i>2</i><i><j>3</j></i></a>')).toEqual({
      a: { i: ['1', '2', { j: '3' }], x: 'y' },
    });
  });

  it('trims text with mxj cutset and keeps inner whitespace', () => {
    expect(decodeXml('<a>\n   two  words \t\n</a>')).toEqual({ a: 'two  words' });
  });

  it('puts mixed text under #text: text after a child, or text before the first child (which wins)', () => {
    expect(decodeXml('<a><b>x</b>tail</a>')).toEqual({ a: { b: 'x', '#text': 'tail' } });
    expect(decodeXml('<a>head<b>x</b></a>')).toEqual({ a: { b: 'x', '#text': 'head' } });
    expect(decodeXml('<a>head<b>x</b>tail</a>')).toEqual({ a: { b: 'x', '#text': 'head' } });
  });

  it('keeps the last piece of text split by comments, CDATA or processing instructions', () => {
    expect(decodeXml('<a>one<!-- c -->two</a>')).toEqual({ a: 'two' });
    expect(decodeXml('<a>one<![CDATA[<two> & ]]></a>')).toEqual({ a: '<two> &' });
    expect(decodeXml('<a>one<?pi x?></a>')).toEqual({ a: 'one' });
    expect(decodeXml('<a><![CDATA[]]></a>')).toEqual({ a: '' });
  });

  it('resolves the predefined entities and character references, astral ones included', () => {
    expect(decodeXml('<a t="&quot;&apos;">&lt;&gt;&amp; &#65;&#x42;&#x1F600;&#128512;</a>')).toEqual({
      a: { '-t': `"'`, '#text': '<>& AB😀😀' },
    });
    expect(decodeXml('<a>😀 日本</a>')).toEqual({ a: '😀 日本' });
  });

  it('normalises \\r\\n and \\r to \\n inside text and attributes', () => {
    expect(decodeXml('<a v="x\r\ny">1\r\n2\r3</a>')).toEqual({ a: { '-v': 'x\ny', '#text': '1\n2\n3' } });
  });

  it('drops namespace prefixes from element and attribute keys, xmlns declarations included', () => {
    const xml = '<s:Envelope xmlns:s="urn:s" xmlns="urn:d" xml:lang="en"><s:Body><Item a:x="1" xmlns:a="urn:a"/></s:Body></s:Envelope>';
    expect(decodeXml(xml)).toEqual({
      Envelope: { '-s': 'urn:s', '-xmlns': 'urn:d', '-lang': 'en', Body: { Item: { '-x': '1', '-a': 'urn:a' } } },
    });
  });

  it('ignores the declaration, a DOCTYPE, comments and stray text around the root, and never reads past it', () => {
    const xml = '\uFEFF<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e "x"> <!-- > -->]>stray<!-- c --><a>1</a><b>never read &bogus;';
    expect(decodeXml(xml)).toEqual({ a: '1' });
  });

  it('accepts non-ASCII names from the XML 1.0 tables', () => {
    expect(decodeXml('<café a·b="1"><名前>x</名前></café>')).toEqual({ café: { '-a·b': '1', 名前: 'x' } });
    expect(() => decodeXml('<·a/>')).toThrow(/invalid XML name: ·a/);
  });

  it('decodes a large document in one pass', () => {
    const items = Array.from({ length: 20000 }, (_, i) => `<item id="${i}"><v>${i}</v></item>`).join('\n');
    const decoded = decodeXml(`<list>${items}</list>`) as { list: { item: unknown[] } };
    expect(decoded.list.item).toHaveLength(20000);
    expect(decoded.list.item[19999]).toEqual({ '-id': '19999', v: '19999' });
  });

  it('keeps an element called __proto__ as an ordinary key', () => {
    const decoded = decodeXml('<a><__proto__>x</__proto__></a>');
    const a = decoded['a'] as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
  });

  it('accepts Go-valid oddities: no space between attributes, spaces around =, unbound prefixes', () => {
    expect(decodeXml('<a x="1"y = "2"><p:b>v</p:b></a >')).toEqual({ a: { '-x': '1', '-y': '2', b: 'v' } });
  });

  it('checks end tags against namespaces as Go does', () => {
    expect(decodeXml('<a:x xmlns:a="u" xmlns:b="u"></b:x>')).toEqual({ x: { '-a': 'u', '-b': 'u' } });
    expect(() => decodeXml('<a:x></b:x>')).toThrow(XmlSyntaxError);
  });

  it('reads bytes as UTF-8, or in the charset the declaration names', () => {
    expect(decodeXml(new TextEncoder().encode('<a>é</a>'))).toEqual({ a: 'é' });
    const latin1 = Uint8Array.from([...Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), 0xe9, ...Buffer.from('</a>')]);
    expect(decodeXml(latin1)).toEqual({ a: 'é' });
    expect(() => decodeXml(Uint8Array.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]))).toThrow(/invalid UTF-8/);
    expect(() => decodeXml(Buffer.from('<?xml version="1.0" encoding="klingon"?><a/>'))).toThrow(/unsupported charset/);
  });

  describe('errors (Go strict decoder)', () => {
    const cases: [string, string, RegExp][] = [
      ['empty body', '', /EOF/],
      ['no root element', '<?xml version="1.0"?>\n<!-- nothing -->', /EOF/],
      ['unclosed root', '<a><b>1</b>', /unexpected EOF/],
      ['mismatched end tag', '<a><b></a>', /element <b> closed by <\/a>/],
      ['stray end tag', '</a>', /unexpected end element <\/a>/],
      ['unquoted attribute', '<a x=1/>', /unquoted or missing attribute value/],
      ['attribute without value', '<a x/>', /attribute name without = in element/],
      ['< inside an attribute', '<a x="<"/>', /unescaped < inside quoted string/],
      ['unknown entity', '<a>&nbsp;</a>', /invalid character entity &nbsp;/],
      ['entity without semicolon', '<a>AT&T</a>', /invalid character entity &T \(no semicolon\)/],
      ['bare ampersand', '<a>a & b</a>', /invalid character entity & \(no semicolon\)/],
      ['NUL character reference', '<a>&#0;</a>', /illegal character code U\+0000/],
      ['control character', '<a>\u0001</a>', /illegal character code U\+0001/],
      ['lone surrogate', '<a>\uD800</a>', /invalid UTF-8/],
      ['"--" inside a comment', '<a><!-- a -- b --></a>', /"--" not allowed in comments/],
      ['"]]>" in text', '<a>]]></a>', /unescaped \]\]> not in CDATA section/],
      ['name starting with a digit', '<1a/>', /invalid XML name: 1a/],
      ['no name at all', '< a/>', /expected element name after </],
      ['name not in the XML 1.0 tables', '<a😀/>', /invalid XML name/],
      ['two colons in a name', '<a:b:c/>', /expected element name after </],
      ['XML 1.1', '<?xml version="1.1"?><a/>', /unsupported version "1.1"/],
      ['unterminated CDATA', '<a><![CDATA[x</a>', /unexpected EOF in CDATA section/],
    ];
    for (const [what, xml, message] of cases) {
      it(what, () => {
        expect(() => decodeXml(xml)).toThrow(message);
      });
    }

    it('reports a missing root as XmlDecodeError and bad markup as XmlSyntaxError', () => {
      expect(() => decodeXml('   ')).toThrow(XmlDecodeError);
      expect(() => decodeXml('<a>')).toThrow(XmlSyntaxError);
    });
  });
});
