/**
 * KrakenD's Flexible Configuration end to end: the documented layout
 * (a base template, settings, partials, sub-templates; fixtures/flexible-config)
 * renders, checks and builds through the real CLI, the built bundle serves
 * it, and every finding — template errors and findings on the rendered JSON
 * alike — points into the template file that caused it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runHgwInProcess } from '../../helpers/cli.js';
import { LISTENING, spawnWatched } from '../../helpers/processes.js';
import { request, startServer, type TestServer } from '../../helpers/servers.js';

const FIXTURE = join(ROOT, 'fixtures/flexible-config');
let work: string;
let n = 0;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'hgw-fc-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A private copy of the fixture, edited by `edit` (path relative to the fixture → new text). */
function copy(edit: Record<string, (text: string) => string> = {}): string {
  const dir = join(work, `fc-${++n}`);
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [file, f] of Object.entries(edit)) writeFileSync(join(dir, file), f(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

function fcEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { NO_COLOR: '1', FC_ENABLE: '1', FC_SETTINGS: join(dir, 'settings'), FC_PARTIALS: join(dir, 'partials'), FC_TEMPLATES: join(dir, 'templates'), ...extra };
}

interface Finding {
  ruleId: string;
  file: string;
  message: string;
  range: { start: { line: number; column: number } };
}

async function findings(dir: string, env: NodeJS.ProcessEnv = fcEnv(dir)): Promise<{ code: number; found: Finding[]; where: string[] }> {
  const r = await runHgwInProcess(['check', '--profile', 'krakend', '-f', 'json', join(dir, 'krakend.tmpl')], env);
  const found = (JSON.parse(r.stdout) as { diagnostics: Finding[] }).diagnostics;
  return { code: r.code, found, where: found.map((d) => `${d.file.slice(dir.length + 1)}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`) };
}

describe('the documented example (settings + partials + templates)', () => {
  it('renders with FC_* variables, checks clean, and FC_OUT holds the rendered JSON', async () => {
    const dir = copy();
    const out = join(dir, 'rendered.json');
    const r = await runHgwInProcess(['check', '--profile', 'krakend', join(dir, 'krakend.tmpl')], fcEnv(dir, { FC_OUT: out, HGW_FC_ENVIRONMENT: 'staging' }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain('Syntax OK!');
    const rendered = JSON.parse(readFileSync(out, 'utf8')) as { name: string; port: number; host: string[]; extra_config: unknown; endpoints: { endpoint: string; backend: { url_pattern: string; host: string[]; extra_config: unknown }[] }[] };
    expect(rendered.name).toBe('catalog (staging)');
    expect(rendered.port).toBe(8080);
    expect(rendered.host).toEqual(['http://127.0.0.1:8081']);
    expect(rendered.extra_config).toEqual({ router: { return_error_msg: true } });
    expect(rendered.endpoints.map((e) => [e.endpoint, e.backend[0]!.url_pattern])).toEqual([
      ['/products', '/catalog/products'],
      ['/products/{id}', '/catalog/products/{id}'],
      ['/offers', '/marketing/offers'],
    ]);
    expect(rendered.endpoints[2]!.backend[0]!.extra_config).toEqual({ 'qos/ratelimit/proxy': { max_rate: 100, capacity: 100 } });
  });

  it('the --fc-* flags do what the variables do', async () => {
    const dir = copy();
    const out = join(dir, 'flags.json');
    const r = await runHgwInProcess(
      ['check', '--profile', 'krakend', '--fc-settings', join(dir, 'settings'), '--fc-partials', join(dir, 'partials'), '--fc-templates', join(dir, 'templates'), '--fc-out', out, join(dir, 'krakend.tmpl')],
      { NO_COLOR: '1' },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { name: string }).name).toBe('catalog (dev)');
  });

  it('without FC_ENABLE the template is read as JSON and refused', async () => {
    const dir = copy();
    const { code, where } = await findings(dir, { NO_COLOR: '1' });
    expect(code).toBe(2);
    expect(where).toEqual(['krakend.tmpl:4:43 json-syntax']);
  });

  describe('builds and serves', () => {
    let backend: TestServer;
    beforeAll(async () => {
      backend = await startServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url }));
      });
    });
    afterAll(() => backend.close());

    it('hgw build renders the template and the bundle answers on the rendered endpoints', async () => {
      const dir = copy();
      const dist = join(dir, 'dist');
      const built = await runHgwInProcess(['build', '--profile', 'krakend', join(dir, 'krakend.tmpl'), '--out', dist, '--host-map', `http://127.0.0.1:8081=${backend.url}`], fcEnv(dir));
      expect(built.code, built.stderr).toBe(0);
      expect(built.stdout).toMatch(/3 endpoint\(s\)/);
      const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as { config: { file: string } };
      expect(manifest.config.file).toBe('krakend.tmpl');
      const proc = spawnWatched(process.execPath, [join(dist, 'gateway.mjs'), '-p', '0'], { PATH: process.env.PATH });
      try {
        const port = (await proc.waitFor(LISTENING))[1];
        const res = await request(`http://127.0.0.1:${port}/products/42`);
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body)).toEqual({ path: '/catalog/products/42' });
      } finally {
        proc.child.kill('SIGKILL');
      }
    });
  });
});

describe('template errors point at the template file and line', () => {
  it('an undefined function in a sub-template', async () => {
    const dir = copy({ 'templates/endpoints.tmpl': (t) => t.replace('{{ marshal $.service.default_hosts }}', '{{ marshall $.service.default_hosts }}') });
    const { code, found, where } = await findings(dir);
    expect(code).toBe(2);
    expect(where).toEqual(['templates/endpoints.tmpl:9:32 template-error']);
    expect(found[0]!.message).toBe('function "marshall" not defined');
  });

  it('a missing template, named at the call in the base template', async () => {
    const dir = copy({ 'krakend.tmpl': (t) => t.replace('"endpoints.tmpl"', '"endpoint.tmpl"') });
    const { found, where } = await findings(dir);
    expect(where).toEqual(['krakend.tmpl:10:9 template-error']);
    expect(found[0]!.message).toBe('executing "krakend.tmpl" at <{{template "endpoint.tmpl" .}}>: template "endpoint.tmpl" not defined');
  });

  it('a bad pipeline', async () => {
    const dir = copy({ 'krakend.tmpl': (t) => t.replace('{{ .service.port }}', '{{ .service.port | 8080 }}') });
    const { found, where } = await findings(dir);
    expect(where).toEqual(['krakend.tmpl:5:32 template-error']);
    expect(found[0]!.message).toBe('non executable command in pipeline stage 2');
  });

  it('a missing partial and a settings file that is not JSON', async () => {
    const partial = copy({ 'krakend.tmpl': (t) => t.replace('service_extra_config.json', 'nope.json') });
    expect((await findings(partial)).where).toEqual(['krakend.tmpl:8:24 template-error']);
    const settings = copy({ 'settings/service.json': (t) => t.replace('"port": 8080,', '"port": 8080') });
    expect((await findings(settings)).where).toEqual(['settings/service.json:4:5 template-error']);
    const list = copy({ 'settings/service.json': () => '[1, 2]' });
    const { found } = await findings(list);
    expect(found.map((d) => d.message)).toEqual(['settings file: json: cannot unmarshal array into Go value of type map[string]interface {}']);
  });

  it('a missing key is Go\'s <no value>, not an error, as in KrakenD', async () => {
    const dir = copy({ 'templates/endpoints.tmpl': (t) => t.replace('{{ $e.endpoint }}', '{{ $e.endpiont }}') });
    const { where, found } = await findings(dir);
    expect(where[0]).toBe('templates/endpoints.tmpl:4:25 endpoint-path-invalid');
    expect(found[0]!.message).toContain('<no value>');
  });

  it('pretty output shows the template line in the code frame', async () => {
    const dir = copy({ 'templates/endpoints.tmpl': (t) => t.replace('{{ $e.endpoint }}', '{{ $e.endpoint.x }}') });
    const r = await runHgwInProcess(['check', '--profile', 'krakend', join(dir, 'krakend.tmpl')], fcEnv(dir, { FC_SETTINGS: join(dir, 'settings') }));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('templates/endpoints.tmpl:4:29');
    expect(r.stdout).toContain("can't evaluate field x in type string");
    expect(r.stdout).toContain('"endpoint": "{{ $e.endpoint.x }}"');
  });
});

describe('findings on the rendered config point into the templates', () => {
  it('at the template text, the sub-template action, or the partial that wrote the offending bytes', async () => {
    const dir = copy({
      'settings/service.json': (t) => t.replace('"3s"', '"3 seconds"'),
      'settings/endpoint.json': (t) => t.replace('"/offers"', '"offers"'),
      'partials/rate_limit_backend.json': (t) => t.replace('"capacity": 100', '"capacity": "lots"'),
    });
    const { code, where } = await findings(dir);
    expect(code).toBe(1);
    // The partial is included three times and reported once.
    expect(where).toEqual([
      'krakend.tmpl:6:16 invalid-duration',
      'partials/rate_limit_backend.json:2:79 schema-type',
      'templates/endpoints.tmpl:4:25 endpoint-path-invalid',
    ]);
  });

  it('rendered text that is not JSON is a json-syntax finding at the action that wrote it', async () => {
    const dir = copy({ 'settings/service.json': (t) => t.replace('"port": 8080', '"port": "80 80"') });
    const { code, where } = await findings(dir);
    expect(code).toBe(2);
    expect(where).toEqual(['krakend.tmpl:5:13 json-syntax']);
  });

  it('a YAML template (name ending .yml.tmpl / .yaml.tmpl) is read as YAML once rendered', async () => {
    const dir = copy();
    const file = join(dir, 'gateway.yaml.tmpl');
    writeFileSync(file, 'version: 3\nhost: {{ marshal .service.default_hosts }}\nendpoints:\n{{- range .endpoint.groups }}\n  - endpoint: {{ .endpoint }}\n    backend:\n      - url_pattern: {{ .backend }}\n{{- end }}\ntimeout: {{ .service.timeout }}\n');
    const r = await runHgwInProcess(['check', '--profile', 'krakend', '-f', 'json', file], fcEnv(dir));
    expect(r.code, r.stdout).toBe(0);
    const bad = join(dir, 'bad.yaml.tmpl');
    writeFileSync(bad, 'version: 3\nendpoints:\n{{- range .endpoint.groups }}\n  - endpoint: {{ .backend | trimPrefix "/" }}\n    backend: [{ url_pattern: /x, host: [http://a:8080] }]\n{{- end }}\n');
    const found = (JSON.parse((await runHgwInProcess(['check', '--profile', 'krakend', '-f', 'json', bad], fcEnv(dir))).stdout) as { diagnostics: Finding[] }).diagnostics;
    // One action in a range wrote three bad values: three findings at that action, one per value.
    expect(found.map((d) => `${d.file.slice(dir.length + 1)}:${d.range.start.line}:${d.range.start.column} ${d.ruleId}`)).toEqual(Array(3).fill('bad.yaml.tmpl:4:15 endpoint-path-invalid'));
    expect(found.map((d) => d.message)).toEqual(['catalog/products', 'catalog/products/{id}', 'marketing/offers'].map((p) => `endpoint path "${p}" must start with "/"`));
  });

  it('FC_OUT is written even when the rendered config has findings (to look at what was rendered)', async () => {
    const dir = copy({ 'settings/endpoint.json': (t) => t.replace('"/offers"', '"offers"') });
    const out = join(dir, 'out.json');
    await findings(dir, fcEnv(dir, { FC_OUT: out }));
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('"endpoint": "offers"');
  });
});
