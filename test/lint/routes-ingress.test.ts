import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { patternsOverlap } from '../../cli/lint/rules/routes-file.js';
import { checkIngress, checkRoutes, ids } from '../helpers/check.js';
import { FIXTURES } from '../helpers/cli.js';

describe('routes.yaml', () => {
  it('accepts the production routes file', () => {
    expect(checkRoutes(readFileSync(`${FIXTURES}real-configs/hanzo-routes.yaml`, 'utf8'))).toEqual([]);
  });
  it('flags a backend that is not an absolute URL, naming host and prefix', () => {
    const ds = checkRoutes('routes:\n  a.com:\n    - prefix: /api\n      backend: api-svc:8080\n');
    expect(ids(ds)).toEqual(['routes-backend-url']);
    expect(ds[0]!.message).toContain('a.com/api');
    expect(ds[0]!.range.start).toMatchObject({ line: 4, column: 16 });
  });
  it('flags a duplicate prefix for one host, pointing at the first', () => {
    const ds = checkRoutes('routes:\n  a.com:\n    - prefix: /\n      backend: http://x\n    - prefix: /\n      backend: http://y\n');
    expect(ids(ds)).toEqual(['routes-duplicate-prefix']);
    expect(ds[0]!.range.start.line).toBe(5);
    expect(ds[0]!.related?.[0]?.range.start.line).toBe(3);
  });
  it('flags overlapping subdomain patterns', () => {
    const ds = checkRoutes('subdomains:\n  .tenant.example.com: http://t\n  .example.com: http://e\n');
    expect(ids(ds)).toEqual(['routes-subdomain-overlap']);
    expect(checkRoutes('subdomains:\n  lux-test: http://a\n  lux-dev: http://b\n')).toEqual([]);
  });
  it('knows when two patterns can meet in one host', () => {
    expect(patternsOverlap('api.', '.hanzo.ai')).toBe(true);
    expect(patternsOverlap('lux-test', 'lux-dev')).toBe(false);
    expect(patternsOverlap('.a.com', 'a.com')).toBe(true);
  });
  it('validates the shape against schemas/routes.schema.json', () => {
    expect(ids(checkRoutes('routes:\n  a.com:\n    - backend: http://x\n'))).toEqual(['schema-required']);
    expect(ids(checkRoutes('rutes: {}\n'))).toEqual(['unknown-key']);
  });
});

describe('ingress.json', () => {
  it('accepts the production ingress file, warning only about its one host listed twice', () => {
    const ds = checkIngress(JSON.parse(readFileSync(`${FIXTURES}real-configs/hanzo-ingress.json`, 'utf8')));
    // s3.hanzo.ai appears at routes[50] (→ :9001) and routes[76] (→ :9000): a real finding in the production file.
    expect(ds.map((d) => [d.ruleId, d.severity, d.pointer, d.related?.[0]?.pointer])).toEqual([
      ['ingress-duplicate-host', 'warning', '/routes/76/host', '/routes/50/host'],
    ]);
  });
  it('flags bad backend URLs and duplicate hosts', () => {
    const ds = checkIngress({ routes: [
      { host: 'a.com', backends: [{ path: '/', url: 'not a url' }] },
      { host: 'a.com', backends: [{ path: '/', url: 'http://x' }] },
    ] });
    expect(ids(ds).sort()).toEqual(['ingress-backend-url', 'ingress-duplicate-host']);
  });
  it('accepts Go listen addresses and flags what is not [host]:port', () => {
    for (const listen of [':8080', '0.0.0.0:80', '[::1]:8080', 'localhost:0']) expect(ids(checkIngress({ listen, routes: [] })), listen).toEqual([]);
    for (const listen of ['8080', 'everywhere', ':99999', '::1:80', 'host:']) expect(ids(checkIngress({ listen, routes: [] })), listen).toEqual(['ingress-listen']);
  });
});
