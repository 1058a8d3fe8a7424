import type { Meter } from '@opentelemetry/api';
import { counterSeries, counterSnapshots } from '../../shared/counters.js';

/**
 * The runtime's event counters (runtime/shared/counters.ts: base_ha,
 * base-network, ZAP, IAM, rate limits) as OpenTelemetry observable counters,
 * so Prometheus and OTLP both see them. Counters a module makes later (a
 * bundle loaded after the SDK) are picked up by the next `sync`.
 */
export function eventCounterBridge(meter: Meter): () => void {
  const bridged = new Set<string>();
  const sync = () => {
    for (const c of counterSnapshots()) {
      if (bridged.has(c.name)) continue;
      bridged.add(c.name);
      meter.createObservableCounter(c.name, { description: c.help }).addCallback((r) => {
        for (const s of counterSeries(c.name)) r.observe(s.value, s.labels);
      });
    }
  };
  sync();
  return sync;
}
