/**
 * Event counters the runtime's modules keep (base_ha leader changes, ZAP
 * fallbacks, IAM outcomes, rate-limit refusals, …) without knowing who
 * reports them: telemetry reads this registry when it is linked, and a
 * gateway without telemetry pays one Map update per event. Names are the Go
 * gateway's Prometheus names. Label values must come from a closed set (an
 * outcome) or from the config (a backend host), never from a request; a
 * counter still keeps at most MAX_SERIES label sets, and the rest add up
 * under `other`, so a mistake cannot grow memory without bound.
 */
export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  readonly name: string;
  readonly help: string;
  add(labels?: Labels, by?: number): void;
  /** One label set, looked up once: what a hot path holds and bumps (no key built per event). */
  series(labels: Labels): { add(by?: number): void };
}

export interface CounterSeries {
  labels: Labels;
  value: number;
}

export const MAX_SERIES = 64;
const OVERFLOW = 'other';

class EventCounter implements Counter {
  private readonly bySet = new Map<string, CounterSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  add(labels: Labels = {}, by = 1): void {
    this.entry(labels).value += by;
  }

  series(labels: Labels): { add(by?: number): void } {
    const s = this.entry(labels);
    return {
      add(by = 1) {
        s.value += by;
      },
    };
  }

  private entry(labels: Labels): CounterSeries {
    let key = seriesKey(labels);
    let s = this.bySet.get(key);
    if (!s) {
      // Past the cap, new label sets share one `other` series (which may be the cap's one extra).
      if (this.bySet.size >= MAX_SERIES) {
        labels = overflowLabels(labels);
        key = seriesKey(labels);
        s = this.bySet.get(key);
      }
      if (!s) {
        s = { labels: { ...labels }, value: 0 };
        this.bySet.set(key, s);
      }
    }
    return s;
  }

  snapshot(): CounterSeries[] {
    return [...this.bySet.values()].map((s) => ({ labels: s.labels, value: s.value }));
  }
}

const registry = new Map<string, EventCounter>();

/** The counter of this name, made on first use (modules call this once, at load). */
export function counter(name: string, help: string): Counter {
  let c = registry.get(name);
  if (!c) {
    c = new EventCounter(name, help);
    registry.set(name, c);
  }
  return c;
}

/** Every counter made so far, with its series as they are now. */
export function counterSnapshots(): Array<{ name: string; help: string; series: CounterSeries[] }> {
  return [...registry.values()].map((c) => ({ name: c.name, help: c.help, series: c.snapshot() }));
}

/** One counter's series as they are now (empty when no module made it). */
export function counterSeries(name: string): CounterSeries[] {
  return registry.get(name)?.snapshot() ?? [];
}

function seriesKey(labels: Labels): string {
  let key = '';
  for (const k of Object.keys(labels).sort()) key += `${k}\u0000${labels[k]}\u0000`;
  return key;
}

function overflowLabels(labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels)) out[k] = OVERFLOW;
  return out;
}
