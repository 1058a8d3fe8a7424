// The suite's numbers as medians over rounds with their min–max, and as Markdown.
export const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** { median, min, max } of the finite values. */
function spread(xs) {
  const f = xs.filter(Number.isFinite);
  return f.length ? { median: median(f), min: Math.min(...f), max: Math.max(...f) } : { median: NaN, min: NaN, max: NaN };
}

/** One peer's rounds → the row the tables show. */
export function summarise(runs) {
  const rps = spread(runs.map((x) => x.rps));
  const p99 = spread(runs.map((x) => x.p99ms));
  const cpu = spread(runs.map((x) => x.cpuUsPerReq));
  return {
    rps: rps.median,
    min: rps.min,
    max: rps.max,
    p50ms: median(runs.map((x) => x.p50ms)),
    p99ms: p99.median,
    p99min: p99.min,
    p99max: p99.max,
    cpuUsPerReq: cpu.median,
    cpuMin: cpu.min,
    cpuMax: cpu.max,
    userUs: median(runs.map((x) => x.userUs)),
    sysUs: median(runs.map((x) => x.sysUs)),
    rssMb: median(runs.map((x) => x.rssMb)),
    proxyWaitPct: median(runs.map((x) => x.proxyWaitPct)),
    backendWaitPct: median(runs.map((x) => x.backendWaitPct)),
    errors: runs.reduce((n, x) => n + x.errors, 0),
  };
}

/**
 * a's figure over b's: the ratio of their medians, and the lowest and highest ratio of
 * one round's pair (the rounds interleave the peers, so a pair ran moments apart).
 */
export function ratioRange(aRuns, bRuns, f) {
  const value = median(aRuns.map(f)) / median(bRuns.map(f));
  const per = aRuns.map((a, i) => (bRuns[i] ? f(a) / f(bRuns[i]) : NaN)).filter(Number.isFinite);
  return { value, min: per.length ? Math.min(...per) : NaN, max: per.length ? Math.max(...per) : NaN };
}

const n0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const msText = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : '—');
export const ratioText = f2;
/** "median (min–max)", or the median alone when there is one round. */
const ranged = (v, min, max, fmt) => (!Number.isFinite(v) ? '—' : min === max || !Number.isFinite(min) ? fmt(v) : `${fmt(v)} (${fmt(min)}–${fmt(max)})`);
export const rangeText = (r) => (r ? ranged(r.value, r.min, r.max, f2) : '—');

export function throughputTable(rows) {
  let md = '| peer | req/s (min–max) | p50 | p99 (min–max) | proxy CPU µs/req (min–max) | user + kernel µs | RSS MB | CPU wait % proxy / backend | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n';
  for (const [name, r] of Object.entries(rows)) {
    const split = Number.isFinite(r.cpuUsPerReq) ? `${f1(r.userUs)} + ${f1(r.sysUs)}` : '—';
    md += `| ${name} | ${ranged(r.rps, r.min, r.max, n0)} | ${msText(r.p50ms)} | ${ranged(r.p99ms, r.p99min, r.p99max, msText)} | ${ranged(r.cpuUsPerReq, r.cpuMin, r.cpuMax, f1)} | ${split} | ${n0(r.rssMb)} | ${n0(r.proxyWaitPct)} / ${n0(r.backendWaitPct)} | ${r.errors} |\n`;
  }
  return md;
}

/** hgw over each peer: req/s, CPU per request, p99. */
export function ratiosTable(vs) {
  let md = '| hgw / peer | req/s | CPU µs per request | p99 |\n|---|---:|---:|---:|\n';
  for (const [name, v] of Object.entries(vs)) md += `| ${name} | ${rangeText(v.rps)} | ${rangeText(v.cpu)} | ${rangeText(v.p99)} |\n`;
  return md;
}

export function fixedRateTable(rows) {
  let md = '| peer | offered req/s | answered req/s | p50 | p99 (min–max) | p99.9 | unanswered at the end | CPU wait % proxy / backend | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n';
  for (const [name, r] of Object.entries(rows)) md += `| ${name} | ${n0(r.rate)} | ${n0(r.rps)} | ${msText(r.p50ms)} | ${ranged(r.p99ms, r.p99min, r.p99max, msText)} | ${msText(r.p999ms)} | ${n0(r.behind)} | ${n0(r.proxyWaitPct)} / ${n0(r.backendWaitPct)} | ${r.errors} |\n`;
  return md;
}

const yesNo = (x) => (x === null ? '—' : x ? 'yes' : 'no');
export function targetsTable(targets) {
  let md = '| target | wanted | moonshot | measured (min–max) | met | moonshot met |\n|---|---:|---:|---:|:---:|:---:|\n';
  for (const t of targets) md += `| ${t.name} | ${t.wanted} | ${t.moonshot ?? ''} | ${t.measured} | ${t.met === null && t.where ? t.where : yesNo(t.met)} | ${t.moonshot ? yesNo(t.moonMet) : ''} |\n`;
  return md;
}
