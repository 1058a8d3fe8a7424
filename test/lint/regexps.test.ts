import { describe, expect, it } from 'vitest';
import { base, checkGateway } from '../helpers/check.js';

/** regexp-invalid: every config-supplied pattern is compiled as Go's RE2 compiles it, and reported at its own position. */
const rows = (config: unknown) => checkGateway(config).map((d) => [d.ruleId, d.pointer]);

const martian = (regex: string) => ({
  'fifo.Group': { scope: ['request'], modifiers: [{ 'header.RegexFilter': { scope: ['request'], header: 'X-A', regex, modifier: { 'header.Modifier': { scope: ['request'], name: 'X-B', value: '1' } } } }] },
});

describe('regexp-invalid', () => {
  it('accepts Go syntax V8 lacks: leading and inline flags, Unicode classes, POSIX classes, \\Q…\\E, (?P<name>…)', () => {
    const patterns = ['(?i)googlebot', 'a(?i)b', '\\pL+\\p{Greek}', '[[:alpha:]]+bot', '\\Qa.b\\E', '(?P<v>bot)/\\d+', '.*(bot|crawler|spider).*'];
    expect(rows(base([{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }], { extra_config: { 'security/bot-detector': { patterns } } }))).toEqual([]);
  });

  it('reports each refused pattern at its position, wherever it sits', () => {
    const config = base(
      [{
        endpoint: '/x', method: 'POST',
        extra_config: {
          'security/bot-detector': { patterns: ['ok', 'bot(?=x)'] },
          'validation/json-schema': { type: 'object', properties: { pattern: { type: 'string', pattern: '(a)\\1' } }, patternProperties: { '^x(?!y)': {} }, enum: [{ pattern: '(' }] },
          'validation/cel': [{ check_expr: "req_path.matches('^/x{1001}')" }, { check_expr: 'req_path.matches(req_method)' }],
        },
        backend: [{ url_pattern: '/x', extra_config: { 'modifier/martian': martian('a**') } }],
      }],
      { extra_config: { 'security/http': { allowed_hosts_are_regex: true, allowed_hosts: ['api\\.example\\.com', 'a)(b'] } } },
    );
    const ds = checkGateway(config);
    expect(ds.map((d) => [d.ruleId, d.pointer])).toEqual([
      ['regexp-invalid', '/extra_config/security~1http/allowed_hosts/1'],
      ['regexp-invalid', '/endpoints/0/extra_config/security~1bot-detector/patterns/1'],
      ['regexp-invalid', '/endpoints/0/extra_config/validation~1json-schema/properties/pattern/pattern'],
      ['regexp-invalid', '/endpoints/0/extra_config/validation~1json-schema/patternProperties/^x(?!y)'],
      ['regexp-invalid', '/endpoints/0/extra_config/validation~1cel/0/check_expr'],
      ['regexp-invalid', '/endpoints/0/backend/0/extra_config/modifier~1martian/fifo.Group/modifiers/0/header.RegexFilter/regex'],
    ]);
    // Go's own text, and a position in the file (the value's line), not the namespace's.
    const bot = ds.find((d) => d.pointer.endsWith('patterns/1'))!;
    expect(bot.message).toContain('error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    const text = JSON.stringify(config, null, 2).split('\n');
    expect(text[bot.range.start.line - 1]).toContain('"bot(?=x)"');
    // The (?:…) hgw wraps an allowed host in must not make `a)(b` acceptable.
    expect(ds.find((d) => d.pointer.endsWith('allowed_hosts/1'))!.message).toContain('unexpected )');
  });

  it('reports a martian regex under the legacy namespace the runtime also runs (martian-invalid leaves regexes to this rule)', () => {
    const config = base([{ endpoint: '/x', backend: [{ url_pattern: '/x', extra_config: { 'github.com/devopsfaith/krakend-martian': martian('a**') } }] }]);
    expect(rows(config).filter(([id]) => id === 'regexp-invalid' || id === 'martian-invalid')).toEqual([
      ['regexp-invalid', '/endpoints/0/backend/0/extra_config/github.com~1devopsfaith~1krakend-martian/fifo.Group/modifiers/0/header.RegexFilter/regex'],
    ]);
  });

  it('leaves allowed_hosts alone when they are not regexes', () => {
    expect(rows(base([{ endpoint: '/x', backend: [{ url_pattern: '/x' }] }], { extra_config: { 'security/http': { allowed_hosts: ['a)(b'] } } }))).toEqual([]);
  });
});
