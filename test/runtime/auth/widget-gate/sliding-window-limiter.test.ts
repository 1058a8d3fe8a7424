/** The widget limiter on a fake clock: Go's per-IP and global sliding windows, cleanup, and bounded memory under many IPs. */
import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SlidingWindowLimiter } from '../../../../runtime/auth/widget-gate/sliding-window-limiter.js';
import { TimestampLog } from '../../../../runtime/auth/widget-gate/timestamp-log.js';
import { DEFAULT_WIDGET_GATE_CONFIG } from '../../../../runtime/auth/widget-gate/widget-gate-config.js';

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms), set: (ms: number) => void (t = ms) };
}

const defaults = { maxPerKey: DEFAULT_WIDGET_GATE_CONFIG.maxRequestsPerIp, globalMax: DEFAULT_WIDGET_GATE_CONFIG.globalMaxRequests, windowMs: DEFAULT_WIDGET_GATE_CONFIG.windowMs };

describe('SlidingWindowLimiter', () => {
  it('per-IP cap 3: the 4th is refused, another IP is still admitted', () => {
    const clock = fakeClock();
    const l = new SlidingWindowLimiter({ maxPerKey: 3, globalMax: 100, windowMs: 1000 }, clock.now);
    expect([l.allow('192.168.1.1'), l.allow('192.168.1.1'), l.allow('192.168.1.1')]).toEqual([true, true, true]);
    expect(l.allow('192.168.1.1')).toBe(false);
    expect(l.allow('192.168.1.2')).toBe(true);
  });

  it('global cap 3: the 4th request from a new IP is refused', () => {
    const l = new SlidingWindowLimiter({ maxPerKey: 100, globalMax: 3, windowMs: 1000 }, fakeClock().now);
    for (let i = 0; i < 3; i++) expect(l.allow(`10.0.0.${i}`)).toBe(true);
    expect(l.allow('10.0.0.99')).toBe(false);
    expect(l.size).toBe(3); // the refused IP was not even remembered
  });

  it('the defaults are 10 per IP and 600 overall per minute', () => {
    const clock = fakeClock();
    const l = new SlidingWindowLimiter(defaults, clock.now);
    for (let i = 0; i < 10; i++) expect(l.allow('a')).toBe(true);
    expect(l.allow('a')).toBe(false);
    let admitted = 10;
    for (let i = 0; i < 1000; i++) if (l.allow(`ip-${i}`)) admitted++;
    expect(admitted).toBe(600);
  });

  it('a request leaves the window only when strictly older than now − window', () => {
    const clock = fakeClock();
    const l = new SlidingWindowLimiter({ maxPerKey: 2, globalMax: 100, windowMs: 60_000 }, clock.now);
    expect(l.allow('1.2.3.4')).toBe(true); // t0
    clock.advance(10_000);
    expect(l.allow('1.2.3.4')).toBe(true); // t0 + 10 s
    expect(l.allow('1.2.3.4')).toBe(false);
    clock.advance(50_000); // exactly one window after t0: t0 still counts
    expect(l.allow('1.2.3.4')).toBe(false);
    clock.advance(1); // t0 has left; t0 + 10 s has not
    expect(l.allow('1.2.3.4')).toBe(true);
    expect(l.allow('1.2.3.4')).toBe(false);
    clock.advance(10_000); // t0 + 10 s has left
    expect(l.allow('1.2.3.4')).toBe(true);
  });

  it('a refused request records nothing: it neither extends the window nor spends global budget', () => {
    const clock = fakeClock();
    const l = new SlidingWindowLimiter({ maxPerKey: 1, globalMax: 2, windowMs: 1000 }, clock.now);
    expect(l.allow('a')).toBe(true);
    clock.advance(500);
    expect(l.allow('a')).toBe(false); // per-IP refusal at t+500, not recorded anywhere
    expect(l.allow('b')).toBe(true); // global is 2 of 2 now
    expect(l.allow('c')).toBe(false); // global refusal
    clock.advance(501); // a's only request (t) has left; the refusal at t+500 never counted
    expect(l.allow('a')).toBe(true);
  });

  it('the global window slides too', () => {
    const clock = fakeClock();
    const l = new SlidingWindowLimiter({ maxPerKey: 10, globalMax: 2, windowMs: 1000 }, clock.now);
    expect(l.allow('a')).toBe(true);
    clock.advance(400);
    expect(l.allow('b')).toBe(true);
    expect(l.allow('c')).toBe(false);
    clock.advance(601);
    expect(l.allow('c')).toBe(true);
    expect(l.allow('d')).toBe(false);
  });

  it('sweep() trims every log and forgets IPs with nothing left in the window', () => {
    const clock = fakeClock();
    const l = new SlidingWindowLimiter({ maxPerKey: 10, globalMax: 100, windowMs: 1000 }, clock.now);
    l.allow('old-1');
    l.allow('old-2');
    clock.advance(600);
    l.allow('recent');
    l.allow('old-1'); // old-1 is active again
    expect(l.size).toBe(3);
    clock.advance(500); // the first requests have left; old-1's second and recent's have not
    l.sweep();
    expect(l.size).toBe(2);
    clock.advance(1000);
    l.sweep();
    expect(l.size).toBe(0);
  });

  it('drops idle IPs on the next call, without waiting for the sweep', () => {
    const clock = fakeClock();
    const l = new SlidingWindowLimiter({ maxPerKey: 10, globalMax: 1_000_000, windowMs: 1000 }, clock.now);
    for (let i = 0; i < 50; i++) l.allow(`a-${i}`);
    clock.advance(1001);
    l.allow('b');
    expect(l.size).toBe(1);
  });

  it('keeps memory bounded with 100 000 distinct IPs', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const clock = fakeClock();
    const heapAfterGc = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };

    // Default limits, one request every 10 ms from a new IP (100 000 IPs over ~17 minutes, no sweep).
    const l = new SlidingWindowLimiter(defaults, clock.now);
    const before = heapAfterGc();
    let largest = 0;
    let admitted = 0;
    for (let i = 0; i < 100_000; i++) {
      if (l.allow(`198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)) admitted++;
      largest = Math.max(largest, l.size);
      clock.advance(10);
    }
    const growth = heapAfterGc() - before;
    // Read after measuring, so the limiter is alive when the heap is measured (100 000 kept entries would be ~35 MB).
    expect(l.size).toBeLessThanOrEqual(defaults.globalMax);
    expect(largest).toBeLessThanOrEqual(defaults.globalMax);
    expect(admitted).toBeGreaterThan(600 * 16);
    expect(growth).toBeLessThan(4 * 1024 * 1024);

    // No global cap to lean on: the bound is the IPs seen within one window.
    const wide = new SlidingWindowLimiter({ maxPerKey: 10, globalMax: 10_000_000, windowMs: 1000 }, clock.now);
    let widest = 0;
    let wideAdmitted = 0;
    for (let i = 0; i < 100_000; i++) {
      if (wide.allow(`ip-${i}`)) wideAdmitted++;
      widest = Math.max(widest, wide.size);
      clock.advance(1);
    }
    expect(wideAdmitted).toBe(100_000);
    expect(widest).toBeLessThanOrEqual(1001);

    // All at once: only the 600 the global window admits are remembered.
    const burst = new SlidingWindowLimiter(defaults, clock.now);
    for (let i = 0; i < 100_000; i++) burst.allow(`burst-${i}`);
    expect(burst.size).toBe(600);
  });
});

describe('TimestampLog', () => {
  it('grows up to its limit and keeps order across the ring', () => {
    const log = new TimestampLog(6);
    for (let t = 1; t <= 6; t++) log.add(t);
    expect(log.count(3)).toBe(4); // 1 and 2 dropped
    log.add(7);
    log.add(8);
    expect(log.newest).toBe(8);
    expect(log.count(8)).toBe(1);
    expect(() => {
      for (let t = 9; t <= 20; t++) log.add(t);
    }).toThrow(RangeError);
  });

  it('is empty at first', () => {
    const log = new TimestampLog(3);
    expect(log.count(0)).toBe(0);
    expect(log.newest).toBe(-Infinity);
  });
});
