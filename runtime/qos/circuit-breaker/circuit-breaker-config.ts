/**
 * Why: KrakenD reads `qos/circuit-breaker` loosely (Go type switches, zero
 * values for anything missing or mistyped) and hands the numbers to gobreaker,
 * which applies its own defaults. Reading the options the same way here keeps
 * a half-written config behaving as it does under KrakenD instead of failing.
 * Read when the Plan is built; `hgw check` names the values gobreaker replaces.
 */
import { settingsParser } from '../../plan/settings.js';

/** gobreaker's open period when `timeout` is 0 or negative. */
export const DEFAULT_OPEN_TIMEOUT_MS = 60_000;

export interface CircuitBreakerConfig {
  /** `name`, only used in log lines ('' when absent, as in KrakenD). */
  name: string;
  /** `interval` in ms: the closed state's counts are cleared every interval; 0 never clears them. */
  intervalMs: number;
  /** `timeout` in ms: how long the breaker stays open before a trial call (60 s when `timeout` <= 0). */
  openTimeoutMs: number;
  /** `max_errors`: the breaker opens when consecutive failures exceed it (gobreaker's `ConsecutiveFailures > MaxErrors`). */
  maxErrors: number;
  /** `log_status_change`: a WARNING line on every state change. */
  logStatusChange: boolean;
}

/** The breaker's settings; none when the backend's `qos/circuit-breaker` is not an object — then no breaker, as in KrakenD. */
export const circuitBreakerSettings = /* @__PURE__ */ settingsParser<CircuitBreakerConfig>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const interval = integer(o.interval);
  const timeout = integer(o.timeout);
  // The legacy v1 spellings are accepted as a fallback: hgw rewrites the legacy namespace onto this one.
  const maxErrorsKey = o.max_errors !== undefined ? 'max_errors' : 'maxErrors';
  const maxErrors = integer(o[maxErrorsKey]);
  const log = o.log_status_change ?? o.logStatusChange;
  if (typeof o.timeout === 'number' && timeout <= 0) {
    problems.warn('/timeout', `timeout ${o.timeout} is not a positive number of seconds: the breaker stays open ${DEFAULT_OPEN_TIMEOUT_MS / 1000} s (gobreaker's default)`, 'Set the seconds the breaker stays open, e.g. 10.');
  }
  if (maxErrors < 0) {
    problems.warn(`/${maxErrorsKey}`, `${maxErrorsKey} ${maxErrors} is negative: the breaker never opens`, 'Set how many consecutive errors open the breaker, e.g. 5.');
  }
  return {
    name: typeof o.name === 'string' ? o.name : '',
    intervalMs: interval > 0 ? interval * 1000 : 0,
    openTimeoutMs: timeout > 0 ? timeout * 1000 : DEFAULT_OPEN_TIMEOUT_MS,
    // Go compares against uint32(MaxErrors): a negative value wraps to a huge threshold (never trips).
    maxErrors: maxErrors >>> 0,
    logStatusChange: log === true,
  };
});

/** A JSON number truncated as Go's `int(v.(float64))` does; anything else is 0. */
function integer(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}
