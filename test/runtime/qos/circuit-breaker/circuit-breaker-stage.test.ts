import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { circuitBreaker, createCircuitBreakerStage } from '../../../../runtime/qos/circuit-breaker/circuit-breaker-stage.js';
import { httpUpstream } from '../../../../runtime/upstream/http/http-upstream.js';
import { UpstreamError } from '../../../../runtime/shared/upstream/upstream.js';
import { startServer, type TestServer } from '../../../helpers/servers.js';
import { backendPlan, call, FakeUpstream, manualClock, recordingHandler, stageDeps, type FakeAnswer } from '../http-cache/stage-test-kit.js';

/**
 * `qos/circuit-breaker`: gobreaker's behaviour as KrakenD configures it —
 * opens when consecutive failures exceed max_errors, refuses while open,
 * lets one trial call through after the timeout, closes or re-opens on it.
 */
const OK: FakeAnswer = { status: 200, body: 'ok' };
const BROKEN: FakeAnswer = { status: 503, body: 'down' };

function setup(config: Record<string, unknown>, answer: FakeAnswer = OK, encoding = 'json') {
  const clock = manualClock();
  const fake = new FakeUpstream(answer);
  const { deps, lines } = stageDeps();
  const stage = createCircuitBreakerStage({ now: clock.now })(backendPlan({ 'qos/circuit-breaker': config }, { encoding }), deps, fake);
  return { clock, fake, lines, stage };
}

async function failTimes(stage: Parameters<typeof call>[0], fake: FakeUpstream, n: number): Promise<void> {
  fake.answer = BROKEN;
  for (let i = 0; i < n; i++) expect((await call(stage)).status).toBe(503);
}

describe('circuit breaker: opening', () => {
  it('opens only when consecutive failures exceed max_errors, then refuses without calling the backend', async () => {
    const { fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 2 });
    await failTimes(stage, fake, 2);
    expect((await call(stage)).status).toBe(503); // the 3rd consecutive failure (> 2) trips it
    expect(fake.calls).toHaveLength(3);
    const refused = await call(stage);
    expect(refused.error?.message).toBe('circuit breaker is open');
    expect(refused.error).toBeInstanceOf(UpstreamError);
    expect((refused.error as UpstreamError).code).toBe('HGW_CIRCUIT_OPEN');
    expect(fake.calls).toHaveLength(3);
  });

  it('max_errors 0 opens on the first failure', async () => {
    const { fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 0 });
    await failTimes(stage, fake, 1);
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
  });

  it('a success resets the consecutive count', async () => {
    const { fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 1 });
    await failTimes(stage, fake, 1);
    fake.answer = OK;
    await call(stage);
    await failTimes(stage, fake, 1);
    fake.answer = OK;
    expect((await call(stage)).status).toBe(200); // never two in a row: still closed
    expect(fake.calls).toHaveLength(4);
  });

  it('counts reset when the interval ends', async () => {
    const { clock, fake, stage } = setup({ interval: 5, timeout: 10, max_errors: 1 });
    await failTimes(stage, fake, 1);
    clock.advance(5001);
    await failTimes(stage, fake, 1); // a new interval: this is the first of its generation
    fake.answer = OK;
    expect((await call(stage)).status).toBe(200);
    await failTimes(stage, fake, 2);
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
  });

  it('for a decoding backend every status but 200/201 counts, as Lura\'s status rule makes them errors', async () => {
    const { fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 1 });
    fake.answer = { status: 404, body: 'no' };
    expect((await call(stage)).status).toBe(404);
    expect((await call(stage)).status).toBe(404);
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
  });

  it('for a no-op backend only transport errors count: its statuses are relayed, never errors', async () => {
    const { fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 1 }, OK, 'no-op');
    fake.answer = { status: 404, body: 'no' };
    for (let i = 0; i < 4; i++) expect((await call(stage)).status).toBe(404);
    fake.answer = { error: new Error('connection refused') };
    expect((await call(stage)).error?.message).toBe('connection refused');
    expect((await call(stage)).error?.message).toBe('connection refused');
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
    expect(fake.calls).toHaveLength(6);
  });

  it('a caller cancellation is neither failure nor success; a passed deadline is a failure', async () => {
    const { fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 1 });
    fake.answer = { status: 200, hold: true };
    for (const reason of [new Error('context canceled'), new Error('client closed the connection'), undefined, new Error('context canceled')]) {
      const r = recordingHandler();
      stage.dispatch({ method: 'GET', path: '/', headers: [], body: null }, r.handler);
      r.result.abort!(reason);
      await r.done;
    }
    fake.answer = OK;
    expect((await call(stage)).status).toBe(200); // four cancellations did not open it
    fake.answer = { status: 200, hold: true };
    for (let i = 0; i < 2; i++) {
      const r = recordingHandler();
      stage.dispatch({ method: 'GET', path: '/', headers: [], body: null }, r.handler);
      r.result.abort!(new Error('context deadline exceeded'));
      await r.done;
    }
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
  });

  it('a failing status counts at its headers, before the body ends', async () => {
    const { fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 0 });
    fake.answer = { status: 500, body: ['a', 'b'], holdAfterFirstChunk: true };
    const r = recordingHandler();
    stage.dispatch({ method: 'GET', path: '/', headers: [], body: null }, r.handler);
    await new Promise((res) => setImmediate(res));
    expect(r.events).toEqual(['connect', 'headers 500', 'data a']);
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
    fake.releaseHeld();
    expect((await r.done).body).toBe('ab');
  });
});

describe('circuit breaker: half-open', () => {
  it('after the timeout one trial goes through; its success closes the breaker', async () => {
    const { clock, fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 0 });
    await failTimes(stage, fake, 1);
    clock.advance(10_000);
    expect((await call(stage)).error?.message).toBe('circuit breaker is open'); // still open at exactly the timeout
    clock.advance(1);
    fake.answer = OK;
    expect((await call(stage)).status).toBe(200);
    expect((await call(stage)).status).toBe(200);
    expect(fake.calls).toHaveLength(3);
  });

  it('a failed trial re-opens it for another timeout', async () => {
    const { clock, fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 0 });
    await failTimes(stage, fake, 1);
    clock.advance(10_001);
    await failTimes(stage, fake, 1); // the trial
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
    clock.advance(10_001);
    fake.answer = OK;
    expect((await call(stage)).status).toBe(200);
    expect(fake.calls).toHaveLength(3);
  });

  it('only one trial at a time: others get "too many requests"', async () => {
    const { clock, fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 0 });
    await failTimes(stage, fake, 1);
    clock.advance(10_001);
    fake.answer = { status: 200, body: 'trial', hold: true };
    const trial = recordingHandler();
    stage.dispatch({ method: 'GET', path: '/', headers: [], body: null }, trial.handler);
    const second = await call(stage);
    expect(second.error?.message).toBe('too many requests');
    expect((second.error as UpstreamError).code).toBe('HGW_CIRCUIT_HALF_OPEN_BUSY');
    fake.releaseHeld();
    expect((await trial.done).body).toBe('trial');
    fake.answer = OK;
    expect((await call(stage)).status).toBe(200);
  });

  it('a cancelled trial frees the slot for another trial', async () => {
    const { clock, fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 0 });
    await failTimes(stage, fake, 1);
    clock.advance(10_001);
    fake.answer = { status: 200, hold: true };
    const trial = recordingHandler();
    stage.dispatch({ method: 'GET', path: '/', headers: [], body: null }, trial.handler);
    trial.result.abort!(new Error('context canceled'));
    await trial.done;
    fake.answer = OK;
    expect((await call(stage)).status).toBe(200);
  });

  it('ignores the outcome of a call admitted before the last state change', async () => {
    const { clock, fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 0 });
    fake.answer = (req) => (req.path === '/slow' ? { status: 503, hold: true } : BROKEN);
    const slow = recordingHandler();
    stage.dispatch({ method: 'GET', path: '/slow', headers: [], body: null }, slow.handler);
    expect((await call(stage)).status).toBe(503); // opens
    clock.advance(10_001);
    fake.answer = OK;
    const trial = recordingHandler();
    stage.dispatch({ method: 'GET', path: '/trial', headers: [], body: null }, trial.handler); // half-open trial, answered next tick
    fake.releaseHeld(); // the old call's 503 lands while half-open: from an older generation, ignored
    await slow.done;
    await trial.done;
    expect((await call(stage)).status).toBe(200);
  });

  it('a zero timeout means gobreaker\'s 60 s', async () => {
    const { clock, fake, stage } = setup({ interval: 0, timeout: 0, max_errors: 0 });
    await failTimes(stage, fake, 1);
    clock.advance(59_000);
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
    clock.advance(1_001);
    fake.answer = OK;
    expect((await call(stage)).status).toBe(200);
  });
});

describe('circuit breaker: logging and wiring', () => {
  it('logs every state change as a WARNING when log_status_change is set', async () => {
    const { clock, fake, lines, stage } = setup({ interval: 60, timeout: 10, max_errors: 0, name: 'cb-1', log_status_change: true });
    expect(lines.filter((l) => l.includes('DEBUG'))).toEqual([expect.stringContaining("[BACKEND: /foo][CB] Creating the circuit breaker named 'cb-1'")]);
    await failTimes(stage, fake, 1);
    clock.advance(10_001);
    await failTimes(stage, fake, 1);
    clock.advance(10_001);
    fake.answer = OK;
    await call(stage);
    const changes = lines.filter((l) => l.includes('WARNING')).map((l) => l.slice(l.indexOf('[BACKEND')).trim());
    expect(changes).toEqual([
      "[BACKEND: /foo][CB] Circuit breaker named 'cb-1' went from 'closed' to 'open'",
      "[BACKEND: /foo][CB] Circuit breaker named 'cb-1' went from 'open' to 'half-open'",
      "[BACKEND: /foo][CB] Circuit breaker named 'cb-1' went from 'half-open' to 'open'",
      "[BACKEND: /foo][CB] Circuit breaker named 'cb-1' went from 'open' to 'half-open'",
      "[BACKEND: /foo][CB] Circuit breaker named 'cb-1' went from 'half-open' to 'closed'",
    ]);
  });

  it('logs no state change without log_status_change', async () => {
    const { fake, lines, stage } = setup({ interval: 60, timeout: 10, max_errors: 1 });
    await failTimes(stage, fake, 2);
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
    expect(lines.filter((l) => l.includes('WARNING'))).toEqual([]);
  });

  it('accepts the legacy v1 spellings maxErrors / logStatusChange', async () => {
    const { fake, lines, stage } = setup({ interval: 60, timeout: 10, maxErrors: 1, logStatusChange: true });
    await failTimes(stage, fake, 2);
    expect((await call(stage)).error?.message).toBe('circuit breaker is open');
    expect(lines.some((l) => l.includes("went from 'closed' to 'open'"))).toBe(true);
  });

  it('without its namespace the stage is the next upstream itself', () => {
    const fake = new FakeUpstream();
    expect(circuitBreaker(backendPlan({}), stageDeps().deps, fake)).toBe(fake);
  });

  it('delegates ready and close', async () => {
    const { fake, stage } = setup({ interval: 60, timeout: 10, max_errors: 1 });
    expect(stage.ready).toBe(fake.ready);
    await stage.close();
    expect(fake.closed).toBe(1);
  });

  it('relays callbacks untouched while closed', async () => {
    const { stage } = setup({ interval: 60, timeout: 10, max_errors: 1 }, { status: 201, headers: [['X-A', '1']], body: ['x', 'y'] });
    const r = recordingHandler();
    stage.dispatch({ method: 'POST', path: '/', headers: [], body: null }, r.handler);
    await r.done;
    expect(r.events).toEqual(['connect', 'headers 201', 'data x', 'data y', 'complete']);
    expect(r.result.headers).toEqual(['X-A', '1']);
  });
});

describe('circuit breaker over a real HTTP backend', () => {
  let backend: TestServer;
  let hits = 0;
  let healthy = false;
  let refusedPort = 0;
  let closedListener: Server;

  beforeAll(async () => {
    backend = await startServer((_req, res) => {
      hits++;
      res.writeHead(healthy ? 200 : 502, { 'Content-Type': 'text/plain' }).end(healthy ? 'fine' : 'bad gateway');
    });
    // A port that refuses connections: listen, note it, close.
    closedListener = createServer();
    await new Promise<void>((r) => closedListener.listen(0, '127.0.0.1', r));
    refusedPort = (closedListener.address() as AddressInfo).port;
    await new Promise<void>((r) => closedListener.close(() => r()));
  });

  afterAll(async () => {
    await backend.close();
  });

  it('opens on 5xx answers, stops calling the backend, and closes after a good trial', async () => {
    const clock = manualClock();
    const { deps } = stageDeps();
    const plan = backendPlan({ 'qos/circuit-breaker': { interval: 60, timeout: 5, max_errors: 1 } }, { hosts: [backend.url] });
    const stage = createCircuitBreakerStage({ now: clock.now })(plan, deps, httpUpstream(plan, deps));
    try {
      expect((await call(stage, { path: '/x' })).status).toBe(502);
      expect((await call(stage, { path: '/x' })).body).toBe('bad gateway');
      expect((await call(stage, { path: '/x' })).error?.message).toBe('circuit breaker is open');
      expect(hits).toBe(2);
      healthy = true;
      clock.advance(5_001);
      expect((await call(stage, { path: '/x' })).body).toBe('fine');
      expect((await call(stage, { path: '/x' })).body).toBe('fine');
      expect(hits).toBe(4);
    } finally {
      await deps.pools.close();
    }
  });

  it('opens on connection errors', async () => {
    const clock = manualClock();
    const { deps } = stageDeps();
    const plan = backendPlan({ 'qos/circuit-breaker': { interval: 60, timeout: 5, max_errors: 1 } }, { hosts: [`http://127.0.0.1:${refusedPort}`] });
    const stage = createCircuitBreakerStage({ now: clock.now })(plan, deps, httpUpstream(plan, deps));
    try {
      expect((await call(stage)).error?.message).toMatch(/connect|refused/i);
      expect((await call(stage)).error?.message).toMatch(/connect|refused/i);
      expect((await call(stage)).error?.message).toBe('circuit breaker is open');
    } finally {
      await deps.pools.close();
    }
  });
});
