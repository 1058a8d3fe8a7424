import { describe, expect, it } from 'vitest';
import { negotiateFormat } from '../../../runtime/encoding/negotiate.js';

describe('negotiateFormat (gin NegotiateFormat over json, text/plain, xml, x-yaml)', () => {
  const cases: [string | undefined, 'json' | 'xml' | 'yaml'][] = [
    [undefined, 'json'],
    ['', 'json'],
    [' , ;q=1 ', 'json'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['text/plain', 'yaml'],
    ['text/plain;q=0.1', 'yaml'],
    ['application/x-yaml', 'yaml'],
    ['application/xml', 'xml'],
    ['application/xml;q=0.1, application/json;q=0.9', 'xml'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'xml'],
    ['*/*', 'json'],
    ['*', 'json'],
    ['text/*', 'yaml'],
    ['application/*', 'json'],
    ['application', 'json'],
    ['text', 'yaml'],
    ['application/x', 'xml'],
    ['application/yaml', 'json'],
    ['Application/XML', 'json'],
    ['image/png', 'json'],
    ['application/jsonx', 'json'],
    ['image/png, text/plain', 'yaml'],
    ['\u00a0application/xml\t', 'xml'],
  ];
  for (const [accept, format] of cases) {
    it(`${JSON.stringify(accept)} → ${format}`, () => {
      expect(negotiateFormat(accept)).toBe(format);
    });
  }
});
