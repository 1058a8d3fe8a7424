// Issue 16's targets, judged on one suite run's figures (every ratio from peers measured
// side by side), plus the memory bounds of issue 9. Targets measured by other benches are
// listed with the command that measures them rather than mixed in from another run.
import { rangeText } from './report.mjs';

/** The rows of the targets table: name, wanted, moonshot, measured (with per-round range), met, moonshot met. */
export function issueTargets(result) {
  const scenario = (id) => result.throughput.find((x) => x.scenario === id);
  const vs = (id, peer) => scenario(id)?.vs?.[peer];
  const targets = [];
  /** A ratio row: `r` is { value, min, max } or undefined; `ok`/`moon` judge the median. */
  const ratio = (name, wanted, r, ok, moonshot, moon) => {
    const v = r?.value;
    const judged = Number.isFinite(v);
    targets.push({ name, wanted, moonshot, measured: judged ? rangeText(r) : '—', met: judged ? ok(v) : null, moonMet: judged && moon ? moon(v) : null });
  };
  const elsewhere = (name, wanted, where, moonshot) => targets.push({ name, wanted, moonshot, measured: '—', met: null, moonMet: null, where });

  ratio('no-op 1 KB, 64 conns: CPU µs/req, hgw / nginx', '≤ 1.6', vs('noop-1k-64c', 'nginx')?.cpu, (x) => x <= 1.6, '≤ 1.3', (x) => x <= 1.3);
  ratio('no-op 1 KB, 64 conns: req/s, hgw / nginx', '≥ 0.85', vs('noop-1k-64c', 'nginx')?.rps, (x) => x >= 0.85, '≥ 1.0', (x) => x >= 1);
  ratio('no-op 64 KB: req/s, hgw / nginx', '≥ 0.6', vs('noop-64k-64c', 'nginx')?.rps, (x) => x >= 0.6);
  ratio('no-op 64 KB: p99, hgw / nginx (no 200 ms stalls)', '≤ 2', vs('noop-64k-64c', 'nginx')?.p99, (x) => x <= 2);
  ratio('POST 16 KB: req/s, hgw / nginx', '≥ 0.8', vs('post-16k-64c', 'nginx')?.rps, (x) => x >= 0.8);
  ratio('merge of 3 (no manipulation): req/s, hgw / direct', '≥ 0.30', vs('merge-3-64c', 'direct')?.rps, (x) => x >= 0.3, '≥ 0.40', (x) => x >= 0.4);
  elsewhere('hanzo profile / plain no-op', '≥ 0.85', '`npm run bench:hanzo`');
  const fixed = result.fixedRate;
  ratio(`p99 at ${fixed ? `${fixed.rate} req/s (80 % of ${fixed.of}'s max)` : "80 % of nginx's max"}: hgw / nginx`, '≤ 1.5', fixed?.of === 'nginx' ? fixed.p99VsNginx : undefined, (x) => x <= 1.5);
  elsewhere('zap backend kind / HTTP backend kind, same service', '≥ 1.0', '`npm run bench:zap`');
  elsewhere('`hgw check` 193 endpoints / `hgw --version`', '< 500 ms / < 150 ms', '`npm run bench:check`', '< 300 / < 100');

  // Issue 9's memory bounds.
  const rssMax = Math.max(...result.throughput.map((x) => x.rows.hgw?.rssMb ?? 0), result.leak?.maxMb ?? 0);
  targets.push({ name: 'RSS under load, per worker (MB)', wanted: '≤ 120', measured: rssMax > 0 ? rssMax.toFixed(0) : '—', met: rssMax > 0 ? rssMax <= 120 : null });
  const growth = result.leak?.liveGrowth;
  targets.push({
    name: `live heap growth between full GCs over ${result.leak?.seconds ?? 'LEAK_SECONDS'} s (MB)`,
    wanted: 'no growth (≤ 1)',
    measured: Number.isFinite(growth) ? `${growth >= 0 ? '+' : ''}${growth.toFixed(1)}` : '—',
    met: Number.isFinite(growth) ? growth <= 1 : null,
  });
  return targets;
}
