import { describe, expect, it } from 'vitest';
import { JsonNumber } from '../../../runtime/shared/json/json-number.js';
import { encodeXml, XmlEncodeError } from '../../../runtime/encoding/encode-xml.js';

describe('encodeXml (mxj Map.Xml with XMLEscapeChars)', () => {
  it('uses a single top-level key as the root, otherwise <doc>', () => {
    expect(encodeXml({ a: 'x' })).toBe('<a>x</a>');
    expect(encodeXml({ a: { b: 1 } })).toBe('<a><b>1</b></a>');
    expect(encodeXml({ b: 1, a: 2 })).toBe('<doc><a>2</a><b>1</b></doc>');
    expect(encodeXml({})).toBe('<doc/>');
  });

  it('writes one root per member for a single key holding objects, <doc> if any member is not one', () => {
    expect(encodeXml({ item: [{ n: 1 }, { n: 2 }] })).toBe('<item><n>1</n></item><item><n>2</n></item>');
    expect(encodeXml({ item: [] })).toBe('<item/>');
    expect(encodeXml({ item: [{ n: 1 }, 'x'] })).toBe('<doc><item><n>1</n></item><item>x</item></doc>');
    expect(encodeXml({ item: [null] })).toBe('<doc><item/></doc>');
  });

  it('sorts elements and attributes in Go byte order (astral characters last)', () => {
    expect(encodeXml({ r: { b: 1, B: 2, a: 3, '😀': 4, 'ｚ': 5 } })).toBe(
      '<r><B>2</B><a>3</a><b>1</b><ｚ>5</ｚ><😀>4</😀></r>',
    );
    expect(encodeXml({ r: { '-z': '1', '-a': '2', c: 'x' } })).toBe('<r a="2" z="1"><c>x</c></r>');
  });

  it('renders attributes only as a self-closed element, and #text as its text', () => {
    expect(encodeXml({ r: { '-id': 7 } })).toBe('<r id="7"/>');
    expect(encodeXml({ r: { '-id': '7', '#text': 'hi' } })).toBe('<r id="7">hi</r>');
    expect(encodeXml({ r: { '#text': '' } })).toBe('<r></r>');
    expect(encodeXml({ r: { '-id': '7', '#text': 'hi', c: 'x' } })).toBe('<r id="7">hi<c>x</c></r>');
  });

  it('prints a non-string #text with Go %v, unescaped', () => {
    expect(encodeXml({ r: { '#text': 4.5, '-a': 'b' } })).toBe('<r a="b">4.5</r>');
    expect(encodeXml({ r: { '#text': null } })).toBe('<r><nil></r>');
    expect(encodeXml({ r: { '#text': { y: [1, 'a<'], x: true } } })).toBe('<r>map[x:true y:[1 a<]]</r>');
  });

  it('repeats list members under their key and flattens nested lists', () => {
    expect(encodeXml({ r: { i: [1, 'two', { x: 3 }, [4, 5]] } })).toBe(
      '<r><i>1</i><i>two</i><i><x>3</x></i><i>4</i><i>5</i></r>',
    );
  });

  it('writes <k/> for null, "", [] and {}', () => {
    expect(encodeXml({ r: { a: null, b: '', c: [], d: {} } })).toBe('<r><a/><b/><c/><d/></r>');
  });

  it('escapes & < > " \' in text and attribute values, and nothing else', () => {
    expect(encodeXml({ r: { '-q': `"&'`, t: `<a href='x'>&amp;</a>\u0001\n` } })).toBe(
      `<r q="&quot;&amp;&apos;"><t>&lt;a href=&apos;x&apos;&gt;&amp;amp;&lt;/a&gt;\u0001\n</t></r>`,
    );
  });

  it('writes names as they are: "-" alone is an element, odd keys are not escaped', () => {
    expect(encodeXml({ r: { '-': 'x', 'a b&': 'y' } })).toBe('<r><->x</-><a b&>y</a b&></r>');
    expect(encodeXml({ '-a': 'x' })).toBe('<-a>x</-a>');
  });

  it('writes booleans, plain numbers as their JSON text and JsonNumber verbatim', () => {
    expect(
      encodeXml({
        r: { t: true, f: false, i: 42, d: 1.5, big: 1e21, m: 1000000, n: new JsonNumber('1.50'), x: new JsonNumber('9007199254740993') },
      }),
    ).toBe(
      '<r><big>1e+21</big><d>1.5</d><f>false</f><i>42</i><m>1000000</m><n>1.50</n><t>true</t><x>9007199254740993</x></r>',
    );
  });

  it('writes float64 (config) numbers with Go %v when asked', () => {
    const data = { r: { a: 1000000, b: 0.00001, c: 123456789, d: 100000, e: -0, f: 0.0001, g: 1e21, h: 42 } };
    expect(encodeXml(data, { plainNumbers: 'float64' })).toBe(
      '<r><a>1e+06</a><b>1e-05</b><c>1.23456789e+08</c><d>100000</d><e>-0</e><f>0.0001</f><g>1e+21</g><h>42</h></r>',
    );
  });

  it('replaces a lone surrogate with U+FFFD and keeps astral characters', () => {
    expect(encodeXml({ r: { a: 'x\uD800y', b: '😀' } })).toBe('<r><a>x\uFFFDy</a><b>😀</b></r>');
  });

  it('throws XmlEncodeError for an attribute that is not a scalar (KrakenD writes an empty body)', () => {
    expect(() => encodeXml({ r: { '-a': { b: 1 } } })).toThrow(XmlEncodeError);
    expect(() => encodeXml({ r: { '-a': [1] } })).toThrow('invalid attribute value for: -a:<[]interface {}>');
    expect(() => encodeXml({ r: { '-a': null } })).toThrow('invalid attribute value for: -a:<<nil>>');
  });
});
