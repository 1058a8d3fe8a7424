/**
 * Why: `qos/circuit-breaker` stops sending traffic to a backend that keeps
 * failing, as KrakenD's gobreaker middleware does: after more than
 * `max_errors` consecutive failures it opens and answers every call at once
 * with gobreaker's `circuit breaker is open` error (the backend is not
 * called); after `timeout` seconds one trial call goes through (others get
 * `too many requests`); its success closes the breaker, its failure re-opens it.
 */
import type { BackendPlan } from '../../plan/plan.js';
import { UpstreamError, type BackendStageFactory, type Upstream, type UpstreamDeps, type UpstreamHandler, type UpstreamRequest } from '../../shared/upstream/upstream.js';
import { forwardingStage } from '../../shared/upstream/forwarding-stage.js';
import { isFailureStatus, outcomeOfAbort } from './breaker-outcome.js';
import { BreakerStateMachine, OPEN_STATE_MESSAGE, type CallOutcome } from './breaker-state-machine.js';

export interface CircuitBreakerStageOptions {
  /** Milliseconds clock (tests advance it by hand). */
  now?: () => number;
}

/** Error codes for the two refusals, so callers can tell them from backend errors. */
export const CIRCUIT_OPEN_CODE = 'HGW_CIRCUIT_OPEN';
export const CIRCUIT_HALF_OPEN_BUSY_CODE = 'HGW_CIRCUIT_HALF_OPEN_BUSY';

/** A circuit breaker stage factory with its own clock. */
export function createCircuitBreakerStage(options: CircuitBreakerStageOptions = {}): BackendStageFactory {
  const now = options.now ?? Date.now;
  return (backend: BackendPlan, deps: UpstreamDeps, next: Upstream): Upstream => {
    const config = backend.settings['qos/circuit-breaker'];
    if (!config) return next;
    const prefix = `[BACKEND: ${backend.urlPattern}][CB]`;
    if (deps.log.enabled('DEBUG')) deps.log.debug(`${prefix} Creating the circuit breaker named '${config.name}'`);
    const breaker = new BreakerStateMachine({
      intervalMs: config.intervalMs,
      openTimeoutMs: config.openTimeoutMs,
      maxErrors: config.maxErrors,
      now,
      onStateChange: config.logStatusChange
        ? (from, to) => deps.log.warn(`${prefix} Circuit breaker named '${config.name}' went from '${from}' to '${to}'`)
        : undefined,
    });
    return forwardingStage(next, {
      dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
        const admission = breaker.admit();
        if ('refused' in admission) {
          const code = admission.refused === OPEN_STATE_MESSAGE ? CIRCUIT_OPEN_CODE : CIRCUIT_HALF_OPEN_BUSY_CODE;
          handler.onError(new UpstreamError(code, admission.refused));
          return;
        }
        next.dispatch(request, new BreakerWatchedCall(breaker, admission.generation, handler, backend.encoding));
      },
    });
  };
}

/** The `qos/circuit-breaker` stage on the real clock. */
export const circuitBreaker: BackendStageFactory = createCircuitBreakerStage();

/**
 * Relays one call's callbacks untouched and reports its outcome to the
 * breaker once: a failing status at its headers, success at its end, a
 * transport error, or the caller's cancellation as soon as it happens.
 */
class BreakerWatchedCall implements UpstreamHandler {
  private reported = false;

  constructor(
    private readonly breaker: BreakerStateMachine,
    private readonly generation: number,
    private readonly inner: UpstreamHandler,
    private readonly encoding: string,
  ) {}

  onConnect(abort: (reason?: Error) => void): void {
    this.inner.onConnect((reason?: Error) => {
      this.report(outcomeOfAbort(reason));
      abort(reason);
    });
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    if (statusCode >= 200 && isFailureStatus(statusCode, this.encoding)) this.report('failure');
    return this.inner.onHeaders(statusCode, rawHeaders, resume, statusText);
  }

  onData(chunk: Buffer): boolean {
    return this.inner.onData(chunk);
  }

  onComplete(trailers: Buffer[] | null): void {
    this.report('success');
    this.inner.onComplete(trailers);
  }

  onError(err: Error): void {
    this.report('failure');
    this.inner.onError(err);
  }

  private report(outcome: CallOutcome): void {
    if (this.reported) return;
    this.reported = true;
    this.breaker.record(this.generation, outcome);
  }
}
