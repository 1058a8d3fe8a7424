// The suite's numbers as medians over rounds, and as Markdown.
export const median = (xs) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** One peer's rounds → the row the tables show. */
export function summarise(runs) {
  const rps = runs.map((x) => x.rps);
  return {
    rps: median(rps),
    min: Math.min(...rps),
    max: Math.max(...rps),
    p50ms: median(runs.map((x) => x.p50ms)),
    p99ms: median(runs.map((x) => x.p99ms)),
    cpuUsPerReq: median(runs.map((x) => x.cpuUsPerReq)),
    userUs: median(runs.map((x) => x.userUs)),
    sysUs: median(runs.map((x) => x.sysUs)),
    rssMb: median(runs.map((x) => x.rssMb)),
    errors: runs.reduce((n, x) => n + x.errors, 0),
  };
}

const n0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const msText = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : '—');
export const ratioText = f2;

export function throughputTable(rows) {
  let md = '| peer | req/s (min–max) | p50 | p99 | proxy CPU µs/req (user + kernel) | RSS MB | errors |\n|---|---:|---:|---:|---:|---:|---:|\n';
  for (const [name, r] of Object.entries(rows)) {
    const cpu = Number.isFinite(r.cpuUsPerReq) ? `${f1(r.cpuUsPerReq)} (${f1(r.userUs)} + ${f1(r.sysUs)})` : '—';
    md += `| ${name} | ${n0(r.rps)} (${n0(r.min)}–${n0(r.max)}) | ${msText(r.p50ms)} | ${msText(r.p99ms)} | ${cpu} | ${n0(r.rssMb)} | ${r.errors} |\n`;
  }
  return md;
}

export function fixedRateTable(rows) {
  let md = '| peer | offered req/s | answered req/s | p50 | p99 | p99.9 | unanswered at the end | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|\n';
  for (const [name, r] of Object.entries(rows)) md += `| ${name} | ${n0(r.rate)} | ${n0(r.rps)} | ${msText(r.p50ms)} | ${msText(r.p99ms)} | ${msText(r.p999ms)} | ${n0(r.behind)} | ${r.errors} |\n`;
  return md;
}

export function targetsTable(targets) {
  let md = '| target (issue #9) | wanted | measured | met |\n|---|---:|---:|:---:|\n';
  for (const t of targets) md += `| ${t.name} | ${t.wanted} | ${t.measured} | ${t.met === null ? '—' : t.met ? 'yes' : 'no'} |\n`;
  return md;
}
