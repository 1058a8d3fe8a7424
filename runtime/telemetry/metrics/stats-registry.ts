/**
 * The numbers `/__stats/` shows, kept as go-metrics keeps them for
 * krakend-metrics: counters, and histograms over a uniform reservoir of
 * 1028 samples (count, min, max, mean, stddev and the 50/75/95/99/99.9th
 * percentiles). One registry per process; names are flat dotted strings.
 */
const RESERVOIR = 1028;

class Histogram {
  count = 0;
  private readonly sample: number[] = [];

  update(v: number): void {
    this.count++;
    if (this.sample.length < RESERVOIR) this.sample.push(v);
    else {
      // Vitter's algorithm R: every value seen so far stays in the sample with equal chance.
      const at = Math.floor(Math.random() * this.count);
      if (at < RESERVOIR) this.sample[at] = v;
    }
  }

  snapshot(): Record<string, number> {
    const s = [...this.sample].sort((a, b) => a - b);
    const n = s.length;
    const mean = n === 0 ? 0 : s.reduce((a, b) => a + b, 0) / n;
    const variance = n === 0 ? 0 : s.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const pct = (p: number) => {
      if (n === 0) return 0;
      const pos = p * (n + 1);
      if (pos < 1) return s[0]!;
      if (pos >= n) return s[n - 1]!;
      const lower = s[Math.floor(pos) - 1]!;
      return lower + (pos - Math.floor(pos)) * (s[Math.floor(pos)]! - lower);
    };
    return {
      count: this.count,
      min: n === 0 ? 0 : s[0]!,
      max: n === 0 ? 0 : s[n - 1]!,
      mean,
      stddev: Math.sqrt(variance),
      median: pct(0.5),
      '75%': pct(0.75),
      '95%': pct(0.95),
      '99%': pct(0.99),
      '99.9%': pct(0.999),
    };
  }
}

export class StatsRegistry {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, Histogram>();

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  observe(name: string, value: number): void {
    let h = this.histograms.get(name);
    if (!h) this.histograms.set(name, (h = new Histogram()));
    h.update(value);
  }

  /** Every metric by name, sorted, as go-metrics' JSON writes them. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.counters) out[k] = { count: v };
    for (const [k, h] of this.histograms) out[k] = h.snapshot();
    return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
  }
}

export const stats = new StatsRegistry();
