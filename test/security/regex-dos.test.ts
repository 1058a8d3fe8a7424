import { afterEach, describe, expect, it, vi } from 'vitest';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HGW_BIN } from '../helpers/cli.js';
import { base } from '../helpers/check.js';
import { startServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched } from '../helpers/processes.js';
import { compileGoRegexp } from '../../runtime/shared/go/go-regexp.js';
import { createBotDetector } from '../../runtime/security/bot-detector/bot-detector.js';
import { compileAllowedHost } from '../../runtime/security/http/http-secure-middleware.js';
import { compileMartian } from '../../runtime/modifier/martian/martian-modifiers.js';
import { compileBodySchema } from '../../runtime/validation/json-schema/body-schema.js';
import { compileCelChecks, firstFailing } from '../../runtime/validation/cel/cel-checks.js';

/**
 * Issue 15, finding 3: config-supplied regular expressions ran on V8's
 * backtracking engine, so `.*(bot|crawler|spider).*` over a long User-Agent
 * stalled the event loop for every client. They now run on RE2 (re2js),
 * linear in the input.
 */
const QUADRATIC = '.*(bot|crawler|spider).*';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanups.length) await cleanups.pop()!();
});

describe('config regexes never run on V8', () => {
  it('every call site compiles to the RE2 matcher, and no RegExp runs on the matched input', () => {
    // Compiled first (parsers may use RegExp on the config's text); only matching is watched.
    const re = compileGoRegexp(QUADRATIC);
    const host = compileAllowedHost('.*(a|b).*\\.example');
    const isBot = createBotDetector({ allow: [], deny: [], patterns: [QUADRATIC], cacheSize: 0, emptyUserAgentIsBot: false });
    const martian = compileMartian({ 'header.RegexFilter': { scope: ['request'], header: 'User-Agent', regex: QUADRATIC, modifier: { 'header.Modifier': { scope: ['request'], name: 'X-Bot', value: '1' } } } });
    const schema = compileBodySchema({ type: 'object', properties: { ua: { type: 'string', pattern: QUADRATIC } }, patternProperties: { [QUADRATIC]: { type: 'number' } } });
    const cel = compileCelChecks([{ check_expr: `!req_headers['User-Agent'][0].matches('${QUADRATIC}')` }]);
    if (!cel.ok) throw new Error(cel.reason);
    expect(re.engine).toBe('re2js');
    expect(re).not.toBeInstanceOf(RegExp);
    expect(host.engine).toBe('re2js');

    const exec = vi.spyOn(RegExp.prototype, 'exec');
    const test = vi.spyOn(RegExp.prototype, 'test');
    const hostile = 'Mozilla/5.0 ' + 'a'.repeat(2000);
    expect(isBot(hostile)).toBe(false);
    expect(host.test(hostile)).toBe(false);
    const message = { kind: 'request' as const, headers: { 'user-agent': hostile } as Record<string, string>, path: '/' };
    martian.modify(message as never);
    expect(message.headers['x-bot']).toBeUndefined();
    expect(schema.problems({ ua: hostile })).toHaveLength(1);
    expect(schema.problems({ [hostile]: 'x' })).toBeUndefined();
    expect(firstFailing(cel.checks.pre, { req_headers: new Map([['User-Agent', [hostile]]]) })).toBe(-1);
    expect(firstFailing(cel.checks.pre, { req_headers: new Map([['User-Agent', ['a googlebot']]]) })).toBe(0);
    // V8's engine may still run hgw's own fixed patterns on short text (error paths); never on the input a config pattern was matched against.
    const onInput = (calls: unknown[][]) => calls.filter(([s]) => String(s).length >= 2000);
    expect(onInput(exec.mock.calls)).toEqual([]);
    expect(onInput(test.mock.calls)).toEqual([]);
  });

  it('CEL: a pattern from the request is compiled on its call within a bound; literal ones at start-up', () => {
    const cel = compileCelChecks([{ check_expr: "req_path.matches(req_headers['X-Pattern'][0]) && req_path.matches('^/[a-z]{1,1000}$')" }]);
    if (!cel.ok) throw new Error(cel.reason);
    const run = (pattern: string) => firstFailing(cel.checks.pre, { req_path: '/abc', req_headers: new Map([['X-Pattern', [pattern]]]) });
    expect(run('^/a')).toBe(-1);
    expect(run('^/b')).toBe(0);
    // re2js spends seconds compiling a few KB of counted repetitions; the request's pattern may not have them.
    expect(run('\\pL{1000}'.repeat(400))).toBe(0);
    expect(run('^/a{1}')).toBe(0);
    expect(run('x|'.repeat(100) + '^/a')).toBe(0); // over 128 characters
    expect(run('x|'.repeat(60) + '^/a')).toBe(-1);
  });

  it('ajv keeps each pattern apart (it keys compiled patterns by their text)', () => {
    const schema = compileBodySchema({ type: 'object', properties: { a: { type: 'string', pattern: '^a+$' }, b: { type: 'string', pattern: '^b+$' } } });
    expect(schema.problems({ a: 'aa', b: 'bb' })).toBeUndefined();
    expect(schema.problems({ a: 'bb', b: 'aa' })).toHaveLength(2);
  });
});

/** One request; rejects after `timeoutMs` so a stalled gateway fails the test instead of hanging it. */
function get(url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = httpRequest(url, { headers, agent: false, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a 1 MB hostile User-Agent against a real gateway', () => {
  it(`is answered in under 100 ms against ${QUADRATIC} while another client is served`, async () => {
    const be = await startServer((_req, res) => res.end('ok'));
    cleanups.push(() => be.close());
    const dir = mkdtempSync(join(tmpdir(), 'hgw-regex-dos-'));
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify(base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [be.url] }] }], {
      extra_config: { 'security/bot-detector': { patterns: [QUADRATIC] } },
    })));
    const gw = spawnWatched(process.execPath, [HGW_BIN, 'run', '-c', file, '-p', '0'], { PATH: process.env.PATH, NO_COLOR: '1' });
    cleanups.push(() => {
      if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    const url = `http://127.0.0.1:${(await gw.waitFor(LISTENING, 60_000))[1]}/x`;

    expect((await get(url, { 'User-Agent': 'curl/8.5' })).status).toBe(200);
    expect((await get(url, { 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1)' })).status).toBe(403);

    const hostile = 'Mozilla/5.0 ' + 'a'.repeat(1_000_000);
    const times: number[] = [];
    // The best of five: the bound is about the engine, not about a busy shared machine (V8's engine took 15 s).
    for (let i = 0; i < 5; i++) {
      const attack = get(url, { 'User-Agent': hostile });
      const other = get(url, { 'User-Agent': 'curl/8.5' });
      const [a, o] = await Promise.all([attack, other]);
      expect(a.status).toBe(200);
      expect(o.status).toBe(200);
      times.push(a.ms);
    }
    expect(Math.min(...times)).toBeLessThan(100);
    // And the pattern still works on the long input.
    expect((await get(url, { 'User-Agent': hostile + ' spider' })).status).toBe(403);
  }, 90_000);
});
