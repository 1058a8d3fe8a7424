import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EndpointPlan } from '../../../runtime/plan/plan.js';
import { botDetectorEndpointMiddleware, botDetectorMiddleware } from '../../../runtime/security/bot-detector/bot-detector-middleware.js';
import { botDetectorSettings, createBotDetector } from '../../../runtime/security/bot-detector/bot-detector.js';
import { levelSettings } from '../../../cli/plan/module-settings.js';
import { compileGoRegexp } from '../../../runtime/shared/go/go-regexp.js';
import { VerdictCache } from '../../../runtime/security/bot-detector/verdict-cache.js';
import { corsMiddleware } from '../../../runtime/security/cors/cors-middleware.js';
import { startServer } from '../../helpers/servers.js';
import { deps, endpoint, fixtureExtraConfig, headerLines, loadSpec, request, sendSpec, serve, specHeaderMismatches, type Served } from './serve-middleware.js';

/**
 * Pattern evaluations, counted: every compiled pattern's `test` is wrapped
 * (the real matcher still answers), so a cache hit shows as no evaluation.
 */
const evaluations = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../runtime/shared/go/go-regexp.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../runtime/shared/go/go-regexp.js')>();
  return {
    ...real,
    compileGoRegexp: (pattern: string) => {
      const matcher = real.compileGoRegexp(pattern);
      const test = matcher.test.bind(matcher);
      matcher.test = (s: string) => {
        evaluations.count++;
        return test(s);
      };
      return matcher;
    },
  };
});

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function withDetector(config: unknown): Promise<Served & { logLines: string[] }> {
  const d = deps({ 'security/bot-detector': config });
  const s = await serve([botDetectorMiddleware(d)]);
  servers.push(s);
  return { ...s, logLines: d.logLines };
}

const ua = (s: Served, agent?: string | string[], method = 'GET') => request(`${s.url}/param_forwarding/some/foo/bar`, { method, headers: agent === undefined ? {} : { 'User-Agent': agent } });

describe('security/bot-detector: the KrakenD CE specs botdetector_1..4 (fixture config, CORS then bot detector)', () => {
  for (const name of ['botdetector_1', 'botdetector_2', 'botdetector_3', 'botdetector_4']) {
    it(name, async () => {
      const spec = loadSpec(name);
      const extra = fixtureExtraConfig();
      const d = deps(extra);
      const s = await serve([corsMiddleware(deps(extra)), botDetectorMiddleware(d)]);
      servers.push(s);
      const res = await sendSpec(s.url, spec);
      expect(res.status).toBe(spec.out.status_code);
      expect(specHeaderMismatches(res, spec)).toEqual([]);
      expect(res.body).toBe(spec.out.body);
      expect(s.reached()).toBe(0);
      // gin's AbortWithStatus: empty body with Content-Length: 0 and no gateway header.
      expect(headerLines(res.rawHeaders, 'content-length')).toEqual(['0']);
      expect(headerLines(res.rawHeaders, 'x-powered-by')).toEqual([]);
      expect(d.logLines.join('')).toContain('▶ ERROR [SERVICE: Gin][Botdetector] bot rejected');
    });
  }
});

describe('security/bot-detector: verdicts', () => {
  it('allow (exact) wins over deny and patterns; deny and patterns reject; the rest pass', async () => {
    const s = await withDetector(fixtureExtraConfig()['security/bot-detector']);
    const cases: [string | undefined, number][] = [
      ['Pingdom.com_bot_version_1.1', 200], // allowed although the pattern matches
      ['c', 200],
      ['a', 403],
      ['b', 403],
      ['A', 200], // exact, case-sensitive
      ['ab', 200],
      ['Pingdom.com_bot_version_1.14', 403],
      ['Mozilla/5.0 (compatible; facebookexternalhit/1.1)', 403], // unanchored
      ['facebookexternalhit', 200], // the pattern needs the slash
      ['some', 200],
      ['Go-http-client/1.1', 200],
      ['hanzoai/gateway Version 2.13.8', 200],
      [undefined, 200],
      ['', 200],
    ];
    for (const [agent, status] of cases) expect((await ua(s, agent)).status, String(agent)).toBe(status);
  });

  it('empty_user_agent_is_bot rejects a missing or empty User-Agent', async () => {
    const s = await withDetector({ empty_user_agent_is_bot: true, deny: ['x'] });
    expect((await ua(s, undefined)).status).toBe(403);
    expect((await ua(s, '')).status).toBe(403);
    expect((await ua(s, 'y')).status).toBe(200);
  });

  it('reads the first User-Agent line only, as Go Header.Get does', async () => {
    const s = await withDetector({ deny: ['a'] });
    expect((await ua(s, ['a', 'b'])).status).toBe(403);
    expect((await ua(s, ['b', 'a'])).status).toBe(200);
  });

  it('cache_size keeps verdicts in an LRU without changing them: later rounds are answered from it, the pattern not evaluated again', async () => {
    const s = await withDetector({ deny: ['a'], patterns: ['bot'], allow: ['goodbot'], cache_size: 4 });
    evaluations.count = 0;
    for (let round = 0; round < 3; round++) {
      for (const [agent, status] of [['a', 403], ['goodbot', 200], ['evilbot', 403], ['human', 200]] as const) {
        expect((await ua(s, agent)).status, `${agent} #${round}`).toBe(status);
      }
    }
    expect(evaluations.count).toBe(2); // 'evilbot' and 'human' in round 0 ('a' and 'goodbot' are exact entries)
  });

  it('HEAD gets 403 without Content-Length; headers set earlier (CORS) stay on the 403', async () => {
    const extra = { 'security/cors': {}, 'security/bot-detector': { deny: ['a'] } };
    const s = await serve([corsMiddleware(deps(extra)), botDetectorMiddleware(deps(extra))], endpoint());
    servers.push(s);
    const head = await request(`${s.url}/x`, { method: 'HEAD', headers: { 'User-Agent': 'a' } });
    expect(head.status).toBe(403);
    expect(headerLines(head.rawHeaders, 'content-length')).toEqual([]);
    const get = await request(`${s.url}/x`, { headers: { 'User-Agent': 'a', Origin: 'https://x.test' } });
    expect(get.status).toBe(403);
    expect(headerLines(get.rawHeaders, 'access-control-allow-origin')).toEqual(['*']);
    expect(headerLines(get.rawHeaders, 'vary')).toEqual(['Origin']);
    expect(headerLines(get.rawHeaders, 'content-type')).toEqual([]);
  });

  // Wrong types are check errors (schema-type), and the Plan then carries no settings: no detector, nothing logged.
  it('a config Go cannot use runs without the detector, with a warning for what only start-up finds', async () => {
    for (const [config, message] of [
      [{ deny: ['a'], patterns: ['('] }, 'Unable to create the bot detector: error parsing regexp'],
      [{ deny: ['a'], patterns: ['(?=x)'] }, 'Unable to create the bot detector: error parsing regexp: invalid or unsupported Perl syntax'],
      [{ deny: ['a'], cache_size: -1 }, 'Unable to create the bot detector: must provide a positive size'],
      [{ deny: 'a' }, undefined],
      [{ deny: ['a'], cache_size: 1.5 }, undefined],
    ] as const) {
      const s = await withDetector(config);
      expect((await ua(s, 'a')).status, JSON.stringify(config)).toBe(200);
      if (message) expect(s.logLines.join(''), JSON.stringify(config)).toContain(`▶ WARNING [SERVICE: Gin][Botdetector] ${message}`);
    }
  });

  it('without security/bot-detector everything passes', async () => {
    const s = await serve([botDetectorMiddleware(deps({}))]);
    servers.push(s);
    expect((await ua(s, 'a')).status).toBe(200);
  });

  it('works per endpoint too, with its own log prefix', async () => {
    const d = deps({});
    const extraConfig = { 'security/bot-detector': { patterns: ['(?i)crawler'] } };
    const plan = { endpoint: '/bots', extraConfig, settings: levelSettings('endpoint', extraConfig) } as unknown as EndpointPlan;
    const mw = botDetectorEndpointMiddleware(plan, d);
    const s = await startServer((req, res) => mw(req, res, [], () => endpoint()(req, res)));
    servers.push(s);
    expect((await request(`${s.url}/bots`, { headers: { 'User-Agent': 'MyCRAWLER/2' } })).status).toBe(403);
    expect((await request(`${s.url}/bots`, { headers: { 'User-Agent': 'browser' } })).status).toBe(200);
    expect(d.logLines.join('')).toContain('[ENDPOINT: /bots][Botdetector] bot rejected');
  });
});

describe('security/bot-detector: building blocks', () => {
  it('reads the config like Go JSON-decodes it', () => {
    expect(botDetectorSettings(undefined).settings).toBeUndefined();
    expect(botDetectorSettings({ allow: ['x'], cache_size: 10 }).settings).toEqual({ allow: ['x'], deny: [], patterns: [], cacheSize: 10, emptyUserAgentIsBot: false });
    expect(botDetectorSettings({ patterns: [1] }).settings).toBeUndefined();
  });

  it('the detector function: order and LRU', () => {
    const isBot = createBotDetector({ allow: ['ok-bot'], deny: ['bad'], patterns: ['bot'], cacheSize: 1, emptyUserAgentIsBot: false });
    expect([isBot('ok-bot'), isBot('bad'), isBot('some bot'), isBot('human'), isBot('')]).toEqual([false, true, true, false, false]);
  });

  it('the LRU: a hit skips the pattern, an evicted agent is evaluated again, and without a cache every call evaluates', () => {
    const cached = createBotDetector({ allow: [], deny: [], patterns: ['bot'], cacheSize: 2, emptyUserAgentIsBot: false });
    const seen: Array<[boolean, number]> = [];
    const check = (agent: string) => {
      evaluations.count = 0;
      seen.push([cached(agent), evaluations.count]);
    };
    for (const agent of ['evilbot', 'evilbot', 'human', 'human', 'evilbot', 'third', 'human', 'evilbot']) check(agent);
    // [verdict, pattern evaluations]: 'third' evicts the least recently used ('human'), which is then evaluated again.
    expect(seen).toEqual([[true, 1], [true, 0], [false, 1], [false, 0], [true, 0], [false, 1], [false, 1], [true, 1]]);
    const uncached = createBotDetector({ allow: [], deny: [], patterns: ['bot'], cacheSize: 0, emptyUserAgentIsBot: false });
    evaluations.count = 0;
    for (let i = 0; i < 3; i++) expect(uncached('evilbot')).toBe(true);
    expect(evaluations.count).toBe(3);
  });

  it('VerdictCache evicts the least recently used', () => {
    const c = new VerdictCache(2);
    c.set('a', true);
    c.set('b', false);
    expect(c.get('a')).toBe(true); // a is now newest
    c.set('c', true); // evicts b
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(true);
    expect(c.get('c')).toBe(true);
    expect(c.length).toBe(2);
  });

  it('compiles Go RE2 syntax (on re2js, not V8)', () => {
    const m = (p: string, s: string) => compileGoRegexp(p).test(s);
    expect(m('(Pingdom.com_bot_version_).*', 'x Pingdom.com_bot_version_1')).toBe(true);
    expect(m('(?i)googlebot', 'Mozilla GoogleBot/2.1')).toBe(true);
    expect(m('(?P<name>bot)/\\d+', 'bot/12')).toBe(true);
    expect(m('\\Abot', 'bot x')).toBe(true);
    expect(m('\\Abot', 'x bot')).toBe(false);
    expect(m('bot\\z', 'a bot')).toBe(true);
    expect(m('bot\\z', 'a bot\n')).toBe(false);
    expect(m('\\Qa.b(c)\\E', 'xa.b(c)y')).toBe(true);
    expect(m('\\Qa.b\\E', 'axb')).toBe(false);
    expect(m('v[[:digit:]]+', 'v42')).toBe(true);
    expect(m('[]a]', ']')).toBe(true);
    expect(m('\\x{41}\\101', 'AA')).toBe(true);
    expect(m('\\-\\!', '-!')).toBe(true);
    // Go's flags anywhere, (?U) and Unicode classes, which V8 lacks.
    expect(m('a(?i)b', 'aB')).toBe(true);
    expect(m('(?U)a+', 'aa')).toBe(true);
    expect(m('\\pL\\p{Greek}', 'xλ')).toBe(true);
    for (const bad of ['(', '(?=x)', '(?!x)', '(?<=x)', 'a\\1', 'x\\', 'a{1001}', 'a**']) {
      expect(() => compileGoRegexp(bad), bad).toThrow();
    }
  });
});
