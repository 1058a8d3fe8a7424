import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ROOT, runHgwAsync } from '../helpers/cli.js';
import { startRuntime } from '../helpers/gateway.js';

/**
 * `hgw integration` as users run it (the built CLI as a process): free ports by
 * default, --profile reaching the gateway it builds, exit codes, the three
 * formats, positioned spec errors and --gateway-url. KrakenD CE's own suite
 * runs through the same command in test/conformance (fixed ports).
 */
const CONFIG = join(ROOT, 'test/fixtures/integration/gateway.json');
const SPECS = join(ROOT, 'test/fixtures/integration/specs');

interface JsonReport {
  version: number;
  gateway: string;
  summary: { passed: number; failed: number };
  specs: Array<{ name: string; ok: boolean; problems: string[] }>;
}

const tmp = mkdtempSync(join(tmpdir(), 'hgw-integration-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('hgw integration', () => {
  it('builds the config under --profile krakend, runs every spec on free ports and exits 0 when all pass', async () => {
    const r = await runHgwAsync(['integration', '-c', CONFIG, '--specs', SPECS, '--profile', 'krakend', '--format', 'json']);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.specs.map((s) => [s.name, s.ok])).toEqual([['health', true], ['reflect', true]]);
    // The specs name localhost:8080 and the config 127.0.0.1:8081; neither port was used.
    expect(new URL(report.gateway).port).not.toBe('8080');
    expect(r.code).toBe(0);
  });

  it('passes the default profile (hanzo) through: its gateway has no /__health, so that spec fails with a precise diff and the run exits 1', async () => {
    const r = await runHgwAsync(['integration', '-c', CONFIG, '--specs', SPECS]);
    expect(r.stdout).toContain('PASS reflect');
    expect(r.stdout).toMatch(/FAIL health .*health\.json\n {5}status 404, want 200\n {5}header Content-Type = \["text\/plain"\], want \["application\/json; charset=utf-8"\]/);
    expect(r.stdout).toMatch(/1 passed, 1 failed \(2 specs against http:\/\/localhost:\d+\)\n$/);
    expect(r.code).toBe(1);
  });

  it('--format junit prints JUnit XML a parser reads: one testcase per spec, a failure with every problem', async () => {
    const r = await runHgwAsync(['integration', '-c', CONFIG, '--specs', SPECS, '--format', 'junit']);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.stdout) as {
      testsuites: { tests: string; failures: string; testsuite: { testcase: Array<{ name: string; file: string; failure?: { message: string; '#text': string } }> } };
    };
    expect([doc.testsuites.tests, doc.testsuites.failures]).toEqual(['2', '1']);
    const [health, reflect] = doc.testsuites.testsuite.testcase;
    expect(health!.name).toBe('health');
    expect(health!.file).toBe(join(SPECS, 'health.json'));
    expect(health!.failure!.message).toBe('status 404, want 200');
    expect(health!.failure!['#text']).toContain('header Content-Type = ["text/plain"]');
    expect(reflect!.name).toBe('reflect');
    expect(reflect!.failure).toBeUndefined();
    expect(r.code).toBe(1);
  });

  it('a spec KrakenD\'s e2e.json schema rejects is a usage error at its line and column, before anything starts', async () => {
    const dir = mkdtempSync(join(tmp, 'broken-'));
    writeFileSync(join(dir, 'a.json'), '{\n  "in": {\n    "method": "FETCH",\n    "url": "http://localhost:8080/"\n  },\n  "out": { "status_code": 200, "bodyy": "" }\n}\n');
    writeFileSync(join(dir, 'b.json'), '{ "in": { "url": "http://localhost:8080/" }, "out": { "status_code": 200 }, }');
    const r = await runHgwAsync(['integration', '-c', CONFIG, '--specs', dir]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${join(dir, 'a.json')}:3:5: /in/method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS`);
    expect(r.stderr).toContain(`${join(dir, 'a.json')}:6:32: /out/bodyy is not a spec field`);
    expect(r.stderr).toMatch(new RegExp(`${join(dir, 'b.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:\\d+: `));
    expect(r.code).toBe(2);
  });

  it('--gateway-url tests a running gateway, with the mock backend on --backend-port', async () => {
    const backendPort = await freePort();
    const config = JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, unknown>;
    const gw = await startRuntime(config, { profile: 'krakend', hostMap: { 'http://127.0.0.1:8081': `http://127.0.0.1:${backendPort}` } });
    try {
      const r = await runHgwAsync(['integration', '--gateway-url', gw.url, '--backend-port', String(backendPort), '--specs', SPECS, '--format', 'json']);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.gateway).toBe(gw.url);
      expect(report.summary).toEqual({ passed: 2, failed: 0 });
      expect(r.code).toBe(0);
    } finally {
      await gw.close();
    }
  });

  it('says which port is taken when --fixed-ports finds the mock backend\'s port busy', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runHgwAsync(['integration', '-c', CONFIG, '--specs', SPECS, '--fixed-ports', '--backend-port', String(port)]);
      expect(r.stderr).toContain(`the mock backend cannot listen on port ${port}: something else already does`);
      expect(r.code).toBe(2);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
