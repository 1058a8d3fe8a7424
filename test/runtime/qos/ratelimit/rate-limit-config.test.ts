/** How the two namespaces' options become buckets: KrakenD's defaults and its readings of odd values. */
import { describe, expect, it } from 'vitest';
import { routerRateLimitSettings } from '../../../../runtime/qos/ratelimit/router-rate-limit-config.js';
import { proxyRateLimitSettings } from '../../../../runtime/qos/ratelimit/proxy-rate-limit-config.js';
import { retryAfterSeconds } from '../../../../runtime/qos/ratelimit/rate-limited-response.js';

const perSecond = (l: { perMs: number } | undefined) => (l ? Math.round(l.perMs * 1000 * 1e6) / 1e6 : undefined);

describe('qos/ratelimit/router options', () => {
  const read = (raw: unknown) => {
    const { settings, problems } = routerRateLimitSettings(raw);
    // A parsed limit that limits nothing is {}: no limiter, as before.
    return { config: settings?.global || settings?.client ? settings : undefined, warnings: problems.map((p) => p.message) };
  };

  it('max_rate alone: every 1s, capacity = the rate', () => {
    const { config } = read({ max_rate: 10 });
    expect(perSecond(config?.global)).toBe(10);
    expect(config?.global?.capacity).toBe(10);
    expect(config?.client).toBeUndefined();
  });

  it('the production shape: 5000 and 100 per client every 1m, by ip', () => {
    const { config } = read({ max_rate: 5000, client_max_rate: 100, strategy: 'ip', every: '1m' });
    expect(perSecond(config?.global)).toBeCloseTo(83.333333, 5);
    expect(config?.global?.capacity).toBe(83); // the per-second rate, truncated
    expect(perSecond(config?.client?.limits)).toBeCloseTo(1.666667, 5);
    expect(config?.client?.limits.capacity).toBe(1);
    expect(config?.client?.strategy).toBe('ip');
  });

  it('client_capacity defaults from client_max_rate (KrakenD tests max_rate there, a slip)', () => {
    expect(read({ client_max_rate: 50, strategy: 'ip' }).config?.client?.limits.capacity).toBe(50);
    expect(read({ client_max_rate: 50, client_capacity: 7, strategy: 'ip' }).config?.client?.limits.capacity).toBe(7);
  });

  it('fractional rates get capacity 1; capacities are truncated to whole tokens', () => {
    expect(read({ max_rate: 0.5 }).config?.global?.capacity).toBe(1);
    expect(read({ max_rate: 10, capacity: 3.9 }).config?.global?.capacity).toBe(3);
  });

  it('every: Go durations, under 1s or unparseable → 1s', () => {
    expect(perSecond(read({ max_rate: 60, every: '1m30s' }).config?.global)).toBeCloseTo(60 / 90, 6);
    expect(perSecond(read({ max_rate: 10, every: '500ms' }).config?.global)).toBe(10);
    expect(perSecond(read({ max_rate: 10, every: '60' }).config?.global)).toBe(10);
    expect(perSecond(read({ max_rate: 10, every: 60 }).config?.global)).toBe(10);
  });

  it('strategy is case-insensitive; unknown or missing ones drop the client limit (a missing one with a warning, an unknown one is a schema error)', () => {
    expect(read({ client_max_rate: 1, strategy: 'Header', key: 'X-Key' }).config?.client).toMatchObject({ strategy: 'header', key: 'X-Key' });
    const unknown = read({ max_rate: 1, client_max_rate: 1, strategy: 'cookie' });
    expect(unknown.config?.client).toBeUndefined();
    expect(unknown.warnings).toEqual([]);
    expect(read({ client_max_rate: 1 }).config).toBeUndefined();
    expect(read({ client_max_rate: 1 }).warnings).toEqual(['client_max_rate without a strategy: no per-client limit']);
  });

  it('nothing to limit, or not an object: no limiter', () => {
    expect(read({}).config).toBeUndefined();
    expect(read({ max_rate: 0, client_max_rate: 0 }).config).toBeUndefined();
    expect(read({ max_rate: '10' }).config).toBeUndefined(); // only JSON numbers count, as in Go
    expect(read([]).config).toBeUndefined(); // a wrong type is the schema's to report (schema-type)
    expect(read(undefined).warnings).toEqual([]);
  });

  it('store: Redis URLs only', () => {
    expect(read({ max_rate: 1, store: 'redis://127.0.0.1:6379/0' }).config?.store).toBe('redis://127.0.0.1:6379/0');
    expect(read({ max_rate: 1, store: 'rediss://cache:6380' }).config?.store).toBe('rediss://cache:6380');
    const other = read({ max_rate: 1, store: 'local' });
    expect(other.config?.store).toBeUndefined();
    expect(other.warnings[0]).toMatch(/not a redis:\/\/ or rediss:\/\/ URL/);
  });
});

describe('qos/ratelimit/proxy options', () => {
  const read = (raw: unknown) => proxyRateLimitSettings(raw).settings;

  it('max_rate per every (default 1s), capacity default = the rate', () => {
    expect(perSecond(read({ max_rate: 5, capacity: 5 })?.limits)).toBe(5);
    expect(read({ max_rate: 5 })?.limits.capacity).toBe(5);
    expect(perSecond(read({ max_rate: 0.5, every: '1s', capacity: 1 })?.limits)).toBe(0.5);
  });

  it('windows under a second are kept (unlike the router limit)', () => {
    expect(perSecond(read({ max_rate: 1, capacity: 1, every: '100ms' })?.limits)).toBe(10);
  });

  it('no positive max_rate: no limit', () => {
    expect(read({ capacity: 1 })).toBeUndefined();
    expect(read({ max_rate: 0, capacity: 1 })).toBeUndefined();
  });
});

describe('Retry-After', () => {
  it('whole seconds, rounded up, at least 1', () => {
    expect([0, 1, 999, 1000, 1001, 59_999].map(retryAfterSeconds)).toEqual([1, 1, 1, 1, 2, 60]);
  });
});
