import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FIXTURES, ROOT, runHgwAsync, type RunResult } from '../helpers/cli.js';
import { CODECS, IMPLEMENTED } from '../../cli/codegen/runtime-modules.js';
import { loadSpecs } from '../../cli/integration/spec-file.js';
import { startShowRss } from './harness/showrss-feeds.js';

/**
 * KrakenD CE's own integration suite (fixtures/krakend-ce, Apache-2.0), then
 * hgw's own specs in the same format (test/conformance/specs, against
 * test/conformance/hgw-core.json), each run by the product command users run:
 * `hgw integration --format json` as a real process, one test per spec from its
 * report. Ports are the suite's (`--fixed-ports`: gateway :8080, mock :8081):
 * the expected bodies name them (X-Forwarded-Host: localhost:8080, Referer:
 * http://127.0.0.1:8081/…). test/cli/integration.test.ts covers free ports.
 */
const BRANDING = ['--brand-version', '2.13.8'];

/**
 * The suite describes plain KrakenD CE, so it runs under `--profile krakend`. With
 * HGW_CONFORMANCE_PROFILE=hanzo it runs under the default profile instead, to list the specs the Hanzo
 * engine answers differently (the README keeps that list); those runs are expected to fail.
 */
const PROFILE = process.env.HGW_CONFORMANCE_PROFILE === 'hanzo' ? 'hanzo' : 'krakend';

/**
 * Specs skipped on purpose: spec name → the runtime module it waits for. Empty: every spec runs. A
 * skip is never inferred from the module registry, so a module dropped from IMPLEMENTED shows up as
 * failing specs, not as skips; and an entry here for a module the registry has fails the run.
 */
const KNOWN_GAPS = new Map<string, string>([]);

interface Report {
  specs: Array<{ name: string; ok: boolean; problems: string[] }>;
}

const report: string[] = [];
const tally = { passed: 0, failed: 0, skipped: 0 };

function suite(title: string, specsDir: string, config: string, cwd: () => string): void {
  describe(title, () => {
    let run: RunResult | undefined;
    let parsed: Report | undefined;
    let showRss: { url: string; close(): Promise<void> } | undefined;
    beforeAll(async () => {
      // The rss spec's feeds come from showrss.info; a local stand-in serves them instead of the internet.
      showRss = await startShowRss();
      run = await runHgwAsync(['integration', '-c', config, '--specs', specsDir, '--profile', PROFILE, '--fixed-ports', '--format', 'json', '--host-map', `http://showrss.info=${showRss.url}`, ...BRANDING], { USAGE_DISABLE: '1' }, cwd());
      try {
        parsed = JSON.parse(run.stdout) as Report;
      } catch {
        throw new Error(`hgw integration exited ${run.code} without a JSON report:\n${run.stdout}\n${run.stderr}`);
      }
    }, 180_000);
    afterAll(async () => {
      await showRss?.close();
    });
    it('exits 0 exactly when every spec passed', () => {
      expect(run?.code).toBe(parsed!.specs.every((s) => s.ok) ? 0 : 1);
    });
    for (const spec of loadSpecs(specsDir)) {
      const gap = KNOWN_GAPS.get(spec.name);
      if (gap !== undefined) {
        report.push(`${spec.name}: skipped (waits for ${gap})`);
        tally.skipped++;
        it.skip(`${spec.name} — waits for ${gap}`, () => {});
        continue;
      }
      it(spec.name, () => {
        const result = parsed!.specs.find((s) => s.name === spec.name);
        expect(result, `${spec.name} is missing from the report`).toBeDefined();
        report.push(result!.ok ? `${spec.name}: ok` : `${spec.name}: ${result!.problems.join('; ')}`);
        tally[result!.ok ? 'passed' : 'failed']++;
        expect(result!.problems).toEqual([]);
      });
    }
  });
}

describe('skips', () => {
  it('no spec is skipped for a module the registry (IMPLEMENTED, CODECS) says exists', () => {
    const codecs = new Set(Object.values(CODECS).map((c) => c.module));
    const stale = [...KNOWN_GAPS].filter(([, module]) => IMPLEMENTED.has(module) || codecs.has(module));
    expect(stale.map(([spec, module]) => `${spec} is skipped for ${module}, which hgw has: run it`)).toEqual([]);
  });
});

/**
 * KrakenD's suite runs from a folder where `fixtures/` holds its config and `fixtures/lua/` the Lua
 * sources the config names; the vendored copy keeps them side by side, so a work folder links `fixtures`
 * to it and `hgw integration` starts there.
 */
let krakendDir: string | undefined;
function krakendWorkDir(): string {
  krakendDir ??= mkdtempSync(join(tmpdir(), 'hgw-krakend-ce-'));
  symlinkSync(join(FIXTURES, 'krakend-ce'), join(krakendDir, 'fixtures'), 'dir');
  return krakendDir;
}
afterAll(() => {
  if (krakendDir) rmSync(krakendDir, { recursive: true, force: true });
});

suite('KrakenD CE integration suite', join(FIXTURES, 'krakend-ce/specs'), join(FIXTURES, 'krakend-ce/krakend.json'), krakendWorkDir);
suite('hgw core conformance specs', join(ROOT, 'test/conformance/specs'), join(ROOT, 'test/conformance/hgw-core.json'), () => ROOT);

afterAll(() => {
  const skips = report.filter((line) => line.includes(': skipped ('));
  process.stdout.write(`\n${report.join('\n')}\n${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped${skips.length ? `:\n  ${skips.join('\n  ')}` : ''}\n`);
});
