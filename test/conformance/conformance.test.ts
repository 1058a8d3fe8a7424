import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FIXTURES, ROOT } from '../helpers/cli.js';
import type { Spawned } from '../helpers/processes.js';
import { CODECS, IMPLEMENTED } from '../../cli/codegen/runtime-modules.js';
import { startMockBackend } from './harness/mock-backend.js';
import { closeGoClient } from './harness/go-client.js';
import { loadSpecs, runSpec, type Spec } from './harness/spec.js';
import { startGatewayProcess } from './harness/gateway-process.js';
import { startShowRss } from './harness/showrss-feeds.js';

/**
 * KrakenD CE's own integration suite (fixtures/krakend-ce, Apache-2.0) run
 * against `hgw run`, then hgw's own specs in the same format
 * (test/conformance/specs, against test/conformance/hgw-core.json). Ports are
 * the suite's: gateway :8080, mock backend :8081 — the expected bodies name them.
 * Specs that need a module hgw does not have yet are skipped with its name.
 */
const BRANDING = { brand: 'hanzoai/gateway', version: '2.13.8' };

/** Spec → the runtime modules it needs beyond the core. */
const NEEDS: Array<[RegExp, string[]]> = [
  [/^botdetector_/, ['security/bot-detector']],
  [/^cel-[67]$/, ['validation/cel', 'auth/validator']],
  [/^cel-/, ['validation/cel']],
  [/^cors_/, ['security/cors']],
  [/^jsonschema_/, ['validation/json-schema']],
  [/^jwt_4$/, ['auth/signer']],
  [/^(jwt_|router_401_)/, ['auth/validator']],
  [/^(lua_|sequential_[34]$)/, ['modifier/lua']],
  [/^rss$/, ['encoding/rss']],
];

function missing(spec: Spec): string[] {
  const needs = NEEDS.find(([re]) => re.test(spec.name))?.[1] ?? [];
  const codecs = new Set(Object.values(CODECS).map((c) => c.module));
  return needs.filter((m) => !IMPLEMENTED.has(m) && !codecs.has(m));
}

const report: string[] = [];
const tally = { passed: 0, failed: 0, skipped: 0 };

function suite(title: string, specsDir: string, config: string, cwd: string): void {
  describe(title, () => {
    let gateway: Spawned | undefined;
    let mock: { close(): Promise<void> } | undefined;
    let showRss: { url: string; close(): Promise<void> } | undefined;
    beforeAll(async () => {
      // The rss spec's feeds come from showrss.info; a local stand-in serves them instead of the internet.
      showRss = await startShowRss();
      gateway = await startGatewayProcess(config, cwd, 8080, [`http://showrss.info=${showRss.url}`]);
      mock = await startMockBackend({ port: 8081 });
    });
    afterAll(async () => {
      gateway?.child.kill('SIGKILL');
      await mock?.close();
      await showRss?.close();
    });
    for (const spec of loadSpecs(specsDir, BRANDING)) {
      const gaps = missing(spec);
      if (gaps.length > 0) {
        report.push(`${spec.name}: skipped (needs ${gaps.join(', ')})`);
        tally.skipped++;
        it.skip(`${spec.name} — needs ${gaps.join(', ')}`, () => {});
        continue;
      }
      it(spec.name, async () => {
        const result = await runSpec(spec, { followRedirects: true });
        report.push(result.ok ? `${spec.name}: ok` : `${spec.name}: ${result.problems.join('; ')}`);
        tally[result.ok ? 'passed' : 'failed']++;
        expect(result.problems).toEqual([]);
      });
    }
  });
}

/**
 * KrakenD's suite runs from a folder where `fixtures/` holds its config and `fixtures/lua/` the Lua
 * sources the config names; the vendored copy keeps them side by side, so a work folder links `fixtures`
 * to it and `hgw run` starts there.
 */
function krakendWorkDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hgw-krakend-ce-'));
  symlinkSync(join(FIXTURES, 'krakend-ce'), join(dir, 'fixtures'), 'dir');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

suite('KrakenD CE integration suite', join(FIXTURES, 'krakend-ce/specs'), join(FIXTURES, 'krakend-ce/krakend.json'), krakendWorkDir());
suite('hgw core conformance specs', join(ROOT, 'test/conformance/specs'), join(ROOT, 'test/conformance/hgw-core.json'), ROOT);

afterAll(() => {
  closeGoClient();
  process.stdout.write(`\n${report.join('\n')}\n${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped\n`);
});
