import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runHgw, FIXTURES } from '../helpers/cli.js';

let dir: string;
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const BROKEN = JSON.stringify({ version: 3, host: ['http://a:80'], endpoints: [{ endpoint: '/a/{id}', backend: [{ url_pattern: '/b/{idx}' }] }] }, null, 2);
const WARN_ONLY = JSON.stringify({ version: 3, host: ['http://a:80'], tiemout: '1s', endpoints: [] }, null, 2);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hgw-check-'));
});

describe('hgw check (process)', () => {
  it('prints Syntax OK! and exits 0 for the production configs', () => {
    for (const f of ['real-configs/hanzo-gateway.json', 'real-configs/example-gateway.json']) {
      const r = runHgw(['check', `${FIXTURES}${f}`]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stderr).toContain('Syntax OK!');
      expect(r.stdout).toBe('');
    }
    const all = runHgw(['check', '-c', `${FIXTURES}real-configs/hanzo-gateway.json`, '--routes', `${FIXTURES}real-configs/hanzo-routes.yaml`, '--ingress', `${FIXTURES}real-configs/hanzo-ingress.json`]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('warning[ingress-duplicate-host]');
  });

  it('exits 1 with a positioned pretty report and a code frame', () => {
    const p = file('broken.json', BROKEN);
    const r = runHgw(['check', p]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[url-param-undefined]');
    expect(r.stdout).toContain(`${p}:11:26`);
    expect(r.stdout).toMatch(/11 \|\s+"url_pattern": "\/b\/\{idx\}"/);
    expect(r.stdout).toMatch(/\^{10}/);
    expect(r.stdout).not.toContain('\u001b['); // NO_COLOR
    expect(r.stderr).not.toContain('Syntax OK!');
  });

  it('accepts the KrakenD spellings -c and validate', () => {
    expect(runHgw(['validate', '-c', file('b2.json', BROKEN)]).code).toBe(1);
  });

  it('honours --fail-on', () => {
    const p = file('warn.json', WARN_ONLY);
    expect(runHgw(['check', p]).code).toBe(0);
    expect(runHgw(['check', p, '--fail-on', 'warning']).code).toBe(1);
    expect(runHgw(['check', file('b3.json', BROKEN), '--fail-on', 'none']).code).toBe(0);
  });

  it('-l makes unknown keys errors, as KrakenD\'s schema lint does', () => {
    const r = runHgw(['check', '-l', file('warn2.json', WARN_ONLY), '--format', 'compact']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/warn2\.json:6:3: error: unknown key "tiemout" in the service \[unknown-key\]/);
  });

  it('writes versioned JSON', () => {
    const r = runHgw(['check', file('b4.json', BROKEN), '--format', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.tool.name).toBe('hgw');
    expect(out.summary).toEqual({ errors: 1, warnings: 0, infos: 0 });
    expect(out.diagnostics[0]).toMatchObject({ ruleId: 'url-param-undefined', severity: 'error', pointer: '/endpoints/0/backend/0/url_pattern', range: { start: { line: 11, column: 26 } } });
  });

  it('writes SARIF 2.1.0 with rules and regions', () => {
    const r = runHgw(['check', file('b5.json', BROKEN), '--format', 'sarif']);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('hgw');
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['url-param-undefined']);
    expect(run.results[0]).toMatchObject({ ruleId: 'url-param-undefined', ruleIndex: 0, level: 'error' });
    expect(run.results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 11, startColumn: 26 });
  });

  it('writes GitHub annotations, automatically under GITHUB_ACTIONS', () => {
    const r = runHgw(['check', file('b6.json', BROKEN)], { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=.*b6\.json,line=11,col=26,endLine=11,endColumn=36,title=hgw url-param-undefined::undefined output param 'idx'/);
  });

  it('SARIF and GitHub paths are relative to GITHUB_WORKSPACE (SARIF with uriBaseId SRCROOT), and the github format keeps the related note', () => {
    const dup = JSON.stringify({ version: 3, host: ['http://a:80'], endpoints: [{ endpoint: '/a', backend: [{ url_pattern: '/x' }] }, { endpoint: '/a', backend: [{ url_pattern: '/y' }] }] }, null, 2);
    const p = file('dup.json', dup);
    const sarif = JSON.parse(runHgw(['check', p, '--format', 'sarif'], { GITHUB_WORKSPACE: dir }).stdout);
    const run = sarif.runs[0];
    expect(run.originalUriBaseIds.SRCROOT.uri).toBe(`${pathToFileURL(dir).href}/`);
    const result = run.results.find((x: { ruleId: string }) => x.ruleId === 'route-duplicate');
    expect(result.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'dup.json', uriBaseId: 'SRCROOT' });
    expect(result.relatedLocations[0].physicalLocation.artifactLocation).toEqual({ uri: 'dup.json', uriBaseId: 'SRCROOT' });
    const gh = runHgw(['check', p, '--format', 'github'], { GITHUB_WORKSPACE: dir }).stdout;
    expect(gh).toMatch(/^::error file=dup\.json,line=\d+,.*title=hgw route-duplicate::.*%0Anote: first registered here at dup\.json:\d+:\d+$/m);
    // Without GITHUB_WORKSPACE: relative to the current directory; a file outside it keeps its path.
    expect(runHgw(['check', 'dup.json', '--format', 'github'], {}, dir).stdout).toMatch(/^::error file=dup\.json,/m);
    expect(runHgw(['check', p, '--format', 'github'], {}, ROOT).stdout).toContain(`::error file=${p.replace(/:/g, '%3A')},`);
  });

  it('-d prints each module\'s parsed settings, KrakenD\'s defaults filled in', () => {
    const p = file('settings.json', JSON.stringify({
      version: 3,
      extra_config: { 'telemetry/logging': { level: 'WARNING' } },
      endpoints: [{ endpoint: '/a', extra_config: { 'qos/ratelimit/router': { max_rate: 100 } }, backend: [{ url_pattern: '/b', host: ['http://x'], extra_config: { 'qos/circuit-breaker': { interval: 60, timeout: 10, max_errors: 3 } } }] }],
    }));
    const r = runHgw(['check', '-d', '--profile', 'krakend', p]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.service.settings['telemetry/logging']).toEqual({ level: 'WARNING', prefix: '[GATEWAY]', format: 'default', stdout: false, syslog: false, syslogFacility: 'local3' });
    expect(plan.endpoints[0].settings['qos/ratelimit-router']).toEqual({ global: { perMs: 0.1, capacity: 100, fillMs: 1000 } });
    expect(plan.endpoints[0].backends[0].settings['qos/circuit-breaker']).toEqual({ name: '', intervalMs: 60_000, openTimeoutMs: 10_000, maxErrors: 3, logStatusChange: false });
  });

  it('colours only when allowed', () => {
    const p = file('b7.json', BROKEN);
    expect(runHgw(['check', p], { NO_COLOR: '', FORCE_COLOR: '1' }).stdout).toContain('\u001b[31m');
    expect(runHgw(['check', p], { NO_COLOR: '1', FORCE_COLOR: '1' }).stdout).not.toContain('\u001b[');
  });

  it('-d dumps the Plan with defaults applied', () => {
    // A config that sets nothing but the route: every value below is a default (KrakenD's, or Lura's).
    const p = file('defaults.json', '{"version":3,"endpoints":[{"endpoint":"/a","backend":[{"url_pattern":"/b","host":["http://x"]}]}]}');
    const r = runHgw(['check', '-d', '-i', '  ', p]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.schema).toBe('hgw-plan/1');
    expect(plan.service).toMatchObject({ port: 8080, timeoutMs: 2000, outputEncoding: 'json', dnsCacheTtlMs: 30_000 });
    expect(plan.service.router).toMatchObject({ healthPath: '/__health', remoteIpHeaders: ['X-Forwarded-For', 'X-Real-IP'], returnErrorMsg: false });
    expect(plan.service.client.maxIdleConnectionsPerHost).toBe(250);
    // The default profile is the Hanzo engine: /__health gives way to /healthz.
    expect(plan.service.profile).toEqual({ name: 'hanzo', source: 'default' });
    expect(plan.service.router.disableHealth).toBe(true);
    expect(plan.endpoints[0]).toMatchObject({ method: 'GET', timeoutMs: 2000, concurrentCalls: 1, outputEncoding: 'json', inputHeaders: ['Content-Type'], inputQueryStrings: [] });
    expect(plan.endpoints[0].backends[0]).toMatchObject({ method: 'GET', encoding: 'json', sd: 'static', upstream: { kind: 'http' } });
    // Indented with the two spaces asked for.
    expect(r.stdout.split('\n')[1]).toBe('  "schema": "hgw-plan/1",');
  });

  it('-t lists the route table on stdout (`hgw check -t > routes.txt`), the messages on stderr', () => {
    const r = runHgw(['check', '-t', `${FIXTURES}real-configs/example-gateway.json`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\d+ route\(s\), no conflicts/);
    expect(r.stderr).toContain('Syntax OK!');
    expect(r.stderr).not.toMatch(/^ {2}(GET|POST) /m);
    const rows = r.stdout.split('\n').filter((l) => l !== '');
    expect(rows.length).toBe(Number(/(\d+) route\(s\)/.exec(r.stderr)![1]));
    for (const row of rows) expect(row).toMatch(/^ {2}[A-Z]+ +\/\S* {2}\(.*example-gateway\.json:\d+:\d+\)$/);
  });

  it('`check -` reads the config from standard input, and names it <stdin> in findings', () => {
    const ok = runHgw(['check', '-'], {}, ROOT, readFileSync(`${FIXTURES}real-configs/example-gateway.json`, 'utf8'));
    expect(ok.stderr).toContain('Syntax OK!');
    expect(ok.code).toBe(0);
    const broken = runHgw(['check', '-f', 'compact', '-'], {}, ROOT, BROKEN);
    expect(broken.stdout).toMatch(/^<stdin>:\d+:\d+: error: /m);
    expect(broken.code).toBe(1);
  });

  it('exits 2 on usage errors', () => {
    expect(runHgw(['check']).code).toBe(2);
    expect(runHgw(['check', '--format', 'xml', `${FIXTURES}real-configs/example-gateway.json`]).code).toBe(2);
    expect(runHgw(['check', '--bogus']).code).toBe(2);
    expect(runHgw(['frobnicate']).code).toBe(2);
  });

  it('lists rules and prints its version', () => {
    expect(runHgw(['rules']).stdout).toContain('url-param-undefined');
    const version = runHgw(['--version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect([version.code, version.stdout]).toEqual([0, `${pkg.version}\n`]);
  });
});

describe('hgw check on malformed input', () => {
  const cases: Array<[string, () => string, string, number]> = [
    ['a truncated file', () => file('trunc.json', '{\n  "version": 3,\n  "endpoints": [\n'), 'json-syntax', 3],
    ['duplicate keys', () => file('dup.json', '{\n  "version": 3,\n  "version": 3\n}'), 'duplicate-key', 3],
    ['a BOM', () => file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"version":3}')])), 'input-bom', 1],
    ['a raw tab in a string', () => file('tab.json', '{\n  "name": "a\tb"\n}'), 'json-syntax', 2],
    ['tab indentation in YAML', () => file('tab.yaml', 'version: 3\nendpoints:\n\t- endpoint: /a\n'), 'yaml-syntax', 3],
    ['an empty file', () => file('empty.json', ''), 'input-empty', 1],
    ['binary junk', () => file('junk.json', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0x00])), 'input-not-text', 1],
    ['a directory', () => dir, 'input-unreadable', 1],
    ['a missing file', () => join(dir, 'nope.json'), 'input-unreadable', 1],
  ];
  it.each(cases)('%s exits 2 with a positioned message and no stack trace', (_n, make, rule, line) => {
    const p = make();
    const r = runHgw(['check', p, '--format', 'compact']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`:${line}:\\d+: error: .*\\[${rule}\\]`));
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
  });
});
