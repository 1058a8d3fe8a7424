import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runHgw, runHgwInProcess, type RunResult } from '../helpers/cli.js';

/**
 * `hgw test-plugin` run as users run it (bin/hgw.mjs), over fixtures/plugins/.
 * The [OK]/[KO] lines are the result, on stdout (KrakenD's cobra prints them
 * to stderr); usage complaints stay on stderr. The summary's duration varies,
 * so it is replaced by <d> before comparing the whole output.
 */
const F = 'fixtures/plugins/';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function testPlugin(...args: string[]): RunResult {
  const r = runHgw(['test-plugin', ...args]);
  return { ...r, stdout: r.stdout.replace(/ in (?:\d+h)?(?:\d+m)?[\d.]+(?:ns|µs|ms|s)(\.?)$/m, ' in <d>$1') };
}

const lines = (...ls: string[]) => ls.map((l) => `${l}\n`).join('');

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hgw-test-plugin-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe('hgw test-plugin: arguments (KrakenD\'s messages, exit 1)', () => {
  it('needs at least one plugin', () => {
    expect(testPlugin('-s')).toEqual({ code: 1, stdout: '', stderr: lines('At least one plugin is required.') });
    expect(testPlugin()).toEqual({ code: 1, stdout: '', stderr: lines('At least one plugin is required.') });
  });

  it('needs the expected kind', () => {
    expect(testPlugin(`${F}good-server.ts`)).toEqual({ code: 1, stdout: '', stderr: lines('You must declare the expected type of the plugin.') });
  });

  it('an unknown flag is a usage error (exit 2, as for every hgw command); the worker flag is not for users', () => {
    const r = testPlugin('-x', `${F}good-server.ts`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '-x'");
    expect(testPlugin('--worker-thread')).toMatchObject({ code: 2, stderr: 'hgw: --worker-thread is internal to hgw test-plugin\n' });
  });
});

describe('hgw test-plugin: good plugins (exit 0)', () => {
  it('-s: a TypeScript server plugin and a JavaScript module registering three plugins (exported as `plugin`)', () => {
    expect(testPlugin('-s', `${F}good-server.ts`, `${F}good-bundle.js`)).toEqual({
      code: 0,
      stderr: '',
      stdout: lines('[OK] SERVER\tgood-server.ts', '[OK] SERVER\tgood-bundle.js', '[OK] 2 tested plugin(s) in <d>'),
    });
  });

  it('-c: a // @ts-check JavaScript client plugin that answers itself', () => {
    expect(testPlugin('-c', `${F}good-client.mjs`)).toEqual({ code: 0, stderr: '', stdout: lines('[OK] CLIENT\tgood-client.mjs', '[OK] 1 tested plugin(s) in <d>') });
  });

  it('-m: a TypeScript modifier rewriting a JSON body', () => {
    expect(testPlugin('--modifier', `${F}good-modifier.ts`)).toEqual({ code: 0, stderr: '', stdout: lines('[OK] MODIFIER\tgood-modifier.ts', '[OK] 1 tested plugin(s) in <d>') });
  });

  it('-scm on one module with every kind: one line per kind, server → modifier → client', () => {
    expect(testPlugin('-scm', `${F}good-bundle.js`)).toEqual({
      code: 0,
      stderr: '',
      stdout: lines('[OK] SERVER\tgood-bundle.js', '[OK] MODIFIER\tgood-bundle.js', '[OK] CLIENT\tgood-bundle.js', '[OK] 3 tested plugin(s) in <d>'),
    });
  });
});

describe('hgw test-plugin: broken plugins (exit 1)', () => {
  it('-scm over every fixture and a missing file: the whole report', () => {
    const files = [
      'missing.mjs', 'bad-client-status.mjs', 'good-bundle.js', 'good-client.mjs', 'good-modifier.ts', 'good-server.ts', 'invalid-shape.mjs',
      'no-plugin.mjs', 'syntax-error.mjs', 'syntax-error.ts', 'throwing-smoke.mjs', 'wrong-range.mjs', 'wrong-types.ts',
    ].map((f) => F + f);
    const noHandler = (f: string) => `[KO] SERVER\t${f}: The plugin does not contain a HandlerRegisterer.`;
    const noModifier = (f: string) => `[KO] MODIFIER\t${f}: The plugin does not contain a ModifierRegisterer.`;
    const noClient = (f: string) => `[KO] CLIENT\t${f}: The plugin does not contain a ClientRegisterer.`;
    const all = (f: string, why: string) => [`[KO] SERVER\t${f}: ${why}`, `[KO] MODIFIER\t${f}: ${why}`, `[KO] CLIENT\t${f}: ${why}`];
    expect(testPlugin('-scm', ...files)).toEqual({
      code: 1,
      stderr: '',
      stdout: lines(
        '[KO] Unable to open the plugin fixtures/plugins/missing.mjs.',
        noHandler('bad-client-status.mjs'),
        noModifier('bad-client-status.mjs'),
        '[KO] CLIENT\tbad-client-status.mjs: client plugin "stringly": "status" must be an integer HTTP status 200–599 (got "OK")',
        '[OK] SERVER\tgood-bundle.js',
        '[OK] MODIFIER\tgood-bundle.js',
        '[OK] CLIENT\tgood-bundle.js',
        noHandler('good-client.mjs'),
        noModifier('good-client.mjs'),
        '[OK] CLIENT\tgood-client.mjs',
        noHandler('good-modifier.ts'),
        '[OK] MODIFIER\tgood-modifier.ts',
        noClient('good-modifier.ts'),
        '[OK] SERVER\tgood-server.ts',
        noModifier('good-server.ts'),
        noClient('good-server.ts'),
        ...all('invalid-shape.mjs', 'default ("half-done"): "create" must be a function (got undefined)'),
        noHandler('no-plugin.mjs'),
        noModifier('no-plugin.mjs'),
        noClient('no-plugin.mjs'),
        ...all('syntax-error.mjs', 'fixtures/plugins/syntax-error.mjs:6:3: Expected "}" but found "create"'),
        ...all('syntax-error.ts', 'fixtures/plugins/syntax-error.ts:12:3: Unexpected ","'),
        '[KO] SERVER\tthrowing-smoke.mjs: server plugin "needs-tenant": the smoke call threw: no X-Tenant header',
        noModifier('throwing-smoke.mjs'),
        noClient('throwing-smoke.mjs'),
        `[KO] SERVER\twrong-range.mjs: server plugin "from-the-future": requires hgw >=2.0.0, this is hgw ${VERSION}`,
        noModifier('wrong-range.mjs'),
        noClient('wrong-range.mjs'),
        noHandler('wrong-types.ts'),
        "[KO] MODIFIER\twrong-types.ts: fixtures/plugins/wrong-types.ts: TS2322: create(...).response → parameter response → status: Type 'number' is not assignable to type 'string'.",
        noClient('wrong-types.ts'),
        '[KO] 36 tested plugin(s) in <d>.',
        '31 plugin(s) failed.',
      ),
    });
  });

  it('-s on a mix: only the server checks count', () => {
    expect(testPlugin('-s', `${F}good-server.ts`, `${F}throwing-smoke.mjs`, `${F}no-plugin.mjs`)).toEqual({
      code: 1,
      stderr: '',
      stdout: lines(
        '[OK] SERVER\tgood-server.ts',
        '[KO] SERVER\tthrowing-smoke.mjs: server plugin "needs-tenant": the smoke call threw: no X-Tenant header',
        '[KO] SERVER\tno-plugin.mjs: The plugin does not contain a HandlerRegisterer.',
        '[KO] 3 tested plugin(s) in <d>.',
        '2 plugin(s) failed.',
      ),
    });
  });

  it('a type error inside a plugin file keeps its position; an unannotated literal gets a hint', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'inner.ts'),
      "import type { ServerPlugin } from '@hgw/runtime/plugins/plugin-api.js';\n" +
        "export default { name: 'i', hgw: '*', kind: 'server', create(config) { const n: number = config.x; void n; return (_q, _s, next) => next(); } } satisfies ServerPlugin;\n",
    );
    writeFileSync(join(dir, 'untyped.ts'), "export default { name: 'u', hgw: '*', kind: 'server', create() { return (_q: unknown, _s: unknown, next: () => void) => next(); } };\n");
    const r = testPlugin('-s', join(dir, 'inner.ts'), join(dir, 'untyped.ts'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      lines(
        `[KO] SERVER\tinner.ts: ${join(dir, 'inner.ts')}:2:78: TS2322: Type 'unknown' is not assignable to type 'number'.`,
        `[KO] SERVER\tuntyped.ts: ${join(dir, 'untyped.ts')}: TS2322: kind: Type 'string' is not assignable to type '"modifier"'. (annotate the export, e.g. \`satisfies ServerPlugin\` or a JSDoc @type, so that kind keeps its literal type)`,
        '[KO] 2 tested plugin(s) in <d>.',
        '2 plugin(s) failed.',
      ),
    );
  });

  it('plugin code runs in a worker: timers it leaves, a late throw or process.exit do not hang or end the CLI', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ticker.mjs'), "export default { name: 't', hgw: '*', kind: 'server', create() { setInterval(() => {}, 1000); return (_q, _s, next) => next(); } };\n");
    writeFileSync(
      join(dir, 'crasher.mjs'),
      "export default { name: 'c', hgw: '*', kind: 'server', create() { return (_q, _s, next) => { process.nextTick(() => { throw new Error('escaped'); }); next(); }; } };\n",
    );
    writeFileSync(join(dir, 'quitter.mjs'), "export default { name: 'q', hgw: '*', kind: 'server', create() { process.exit(7); } };\n");
    writeFileSync(join(dir, 'after.mjs'), "export default { name: 'a', hgw: '*', kind: 'server', create() { return (_q, res) => { res.statusCode = 403; res.end(); }; } };\n");
    const started = Date.now();
    const r = testPlugin('-s', ...['ticker.mjs', 'crasher.mjs', 'quitter.mjs', 'after.mjs'].map((f) => join(dir, f)));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r).toEqual({
      code: 1,
      stderr: '',
      stdout: lines(
        '[OK] SERVER\tticker.mjs',
        '[KO] SERVER\tcrasher.mjs: the plugin crashed the test: escaped',
        '[KO] SERVER\tquitter.mjs: the plugin ended the process (exit code 7)',
        '[OK] SERVER\tafter.mjs',
        '[KO] 4 tested plugin(s) in <d>.',
        '2 plugin(s) failed.',
      ),
    });
  });
});

describe('hgw test-plugin from the TypeScript sources (no bundle to start a worker from)', () => {
  it('runs the same checks in-process', async () => {
    const r = await runHgwInProcess(['test-plugin', '-scm', `${F}good-bundle.js`, `${F}wrong-range.mjs`]);
    expect(r.code).toBe(1);
    expect(r.stdout.replace(/ in [^\n]*?(\.?)\n/, ' in <d>$1\n')).toBe(
      lines(
        '[OK] SERVER\tgood-bundle.js',
        '[OK] MODIFIER\tgood-bundle.js',
        '[OK] CLIENT\tgood-bundle.js',
        `[KO] SERVER\twrong-range.mjs: server plugin "from-the-future": requires hgw >=2.0.0, this is hgw ${VERSION}`,
        '[KO] MODIFIER\twrong-range.mjs: The plugin does not contain a ModifierRegisterer.',
        '[KO] CLIENT\twrong-range.mjs: The plugin does not contain a ClientRegisterer.',
        '[KO] 6 tested plugin(s) in <d>.',
        '3 plugin(s) failed.',
      ),
    );
  });
});
