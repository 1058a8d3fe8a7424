import type { ServerResponse } from 'node:http';

/**
 * `/__health` as KrakenD answers it: `{"agents":{},"now":"<Go time.String()>","status":"ok"}`.
 * `agents` would list async agents; hgw has none. Before the upstreams can
 * route (see readiness.ts) it is 503 with the same shape and `"status":"unavailable"`,
 * so a probe never sends traffic to a gateway that would refuse it.
 */
export function writeHealth(res: ServerResponse, ready = true): void {
  const body = Buffer.from(`{"agents":{},"now":${JSON.stringify(goTimeString(new Date()))},"status":${ready ? '"ok"' : '"unavailable"'}}`);
  res.writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length }).end(body);
}

/** Go's time.Time.String() in UTC, e.g. `2026-11-25 15:04:05.123 +0000 UTC` (trailing zeros of the fraction dropped). */
export function goTimeString(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms = d.getUTCMilliseconds();
  const frac = ms === 0 ? '' : `.${p(ms, 3)}`.replace(/0+$/, '');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac} +0000 UTC`;
}

