/**
 * Go durations for the CLI: parsing is the runtime floor's one parser
 * (runtime/shared/go/go-duration.ts); formatting for dumps lives here.
 */
import { parseGoDuration, type DurationResult } from '../../runtime/shared/go/go-duration.js';

export { parseGoDuration, type DurationResult };

export function isGoDuration(input: string): boolean {
  return parseGoDuration(input).ok;
}

/** Milliseconds → Go's Duration.String() form (`1h30m0s`, `1.5s`, `250ms`, `0s`), for dumps. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let ns = Math.round(Math.abs(ms) * 1e6);
  let out: string;
  if (ns < 1e3) out = `${ns}ns`;
  else if (ns < 1e6) out = `${trim(ns / 1e3)}µs`;
  else if (ns < 1e9) out = `${trim(ns / 1e6)}ms`;
  else {
    const h = Math.floor(ns / 3600e9);
    ns -= h * 3600e9;
    const m = Math.floor(ns / 60e9);
    ns -= m * 60e9;
    out = `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${trim(ns / 1e9)}s`;
  }
  return neg ? `-${out}` : out;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
