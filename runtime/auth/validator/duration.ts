/** Go durations in config (`"1s"`, `"500ms"`, `"1m30s"`), already checked by `hgw check`; a fallback for anything else. */
const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDurationMs(value: unknown, fallback: number): number {
  if (typeof value !== 'string' || value === '') return fallback;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let consumed = 0;
  for (const m of value.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0].length;
  }
  return consumed === value.length ? total : fallback;
}
