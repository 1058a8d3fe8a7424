/**
 * Why: the breaker must decide what a "failed" backend call is, as KrakenD
 * does — it counts what the backend proxy returns as an error:
 *   - transport errors (connection refused, reset, broken body, …), always;
 *   - for decoding backends, every status other than 200/201 (Lura's status
 *     rule); a `no-op` backend's status is relayed, never an error;
 *   - the endpoint deadline passing mid-call (`context deadline exceeded`,
 *     which gobreaker counts too).
 * A caller that cancels (client gone, another backend failed) is excluded,
 * as gobreaker's KrakenD settings exclude `context.Canceled`.
 */
import type { CallOutcome } from './breaker-state-machine.js';

/** A final status that counts as a backend failure for a backend with this `encoding`. */
export function isFailureStatus(status: number, encoding: string): boolean {
  return encoding !== 'no-op' && status !== 200 && status !== 201;
}

/** How a call the caller aborted counts: its deadline passing is a failure; any other cancellation proves nothing. */
export function outcomeOfAbort(reason: Error | undefined): CallOutcome {
  return reason?.message === 'context deadline exceeded' ? 'failure' : 'excluded';
}
