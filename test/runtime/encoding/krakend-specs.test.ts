import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeXml } from '../../../runtime/encoding/decode-xml.js';
import { encodeXml } from '../../../runtime/encoding/encode-xml.js';
import { encodeYaml } from '../../../runtime/encoding/encode-yaml.js';
import { negotiateFormat } from '../../../runtime/encoding/negotiate.js';

// The expected bodies come straight from KrakenD CE's integration specs.
const SPECS = fileURLToPath(new URL('../../../fixtures/krakend-ce/specs/', import.meta.url));

function expectedBody(spec: string): string {
  const parsed = JSON.parse(readFileSync(SPECS + spec, 'utf8')) as { out: { body: string } };
  return parsed.out.body;
}

function specAccept(spec: string): string {
  const parsed = JSON.parse(readFileSync(SPECS + spec, 'utf8')) as { in: { header: { accept: string } } };
  return parsed.in.header.accept;
}

/** The mock backend's /xml document (krakend-ce tests), with its declaration and indentation. */
const MOCK_XML = `<?xml version="1.0" encoding="UTF-8"?>
<user type="admin">
  <name>Elliot</name>
  <social>
    <facebook>https://facebook.com</facebook>
    <twitter>https://twitter.com</twitter>
    <youtube>https://youtube.com</youtube>
  </social>
</user>
`;

describe('KrakenD CE specs', () => {
  it('xml_1: xml backend rendered as xml', () => {
    expect(encodeXml(decodeXml(MOCK_XML))).toBe(expectedBody('xml_1.json'));
  });

  it('xml_2: the echo backend (json) rendered as xml, one-element header lists included', () => {
    const echo = {
      foo: 42,
      headers: {
        'Accept-Encoding': ['gzip'],
        Referer: ['http://127.0.0.1:8081/param_forwarding'],
        'User-Agent': ['KrakenD Version 2.13.8'],
        'X-Forwarded-Host': ['localhost:8080'],
      },
      path: '/param_forwarding/',
      query: {},
    };
    expect(encodeXml(echo)).toBe(expectedBody('xml_2.json'));
  });

  it('negotitate_plain: text/plain gives goccy YAML of the decoded XML', () => {
    expect(negotiateFormat(specAccept('negotitate_plain.json'))).toBe('yaml');
    expect(encodeYaml(decodeXml(MOCK_XML))).toBe(expectedBody('negotitate_plain.json'));
  });

  it('negotitate_json: application/json with parameters gives JSON of the decoded XML', () => {
    expect(negotiateFormat(specAccept('negotitate_json.json'))).toBe('json');
    expect(JSON.stringify(decodeXml(MOCK_XML))).toBe(expectedBody('negotitate_json.json'));
  });
});
