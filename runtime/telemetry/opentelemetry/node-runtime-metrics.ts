import { monitorEventLoopDelay, PerformanceObserver, type EventLoopUtilization, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Meter } from '@opentelemetry/api';

/**
 * `go_metrics` for a Node process: what Go's runtime collector tells an
 * operator (heap, scheduler pressure, GC pauses), in Node's terms — V8's heap,
 * event-loop delay and utilisation, and GC pause time by kind. The delay
 * histogram samples every 20 ms; the GC observer counts pauses as they end.
 * Returns the function that stops both.
 */
export function observeNodeRuntime(meter: Meter): () => void {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  let lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();

  meter.createObservableGauge('nodejs_heap_used_bytes', { description: 'V8 heap in use, in bytes' }).addCallback((r) => r.observe(getHeapStatistics().used_heap_size));
  meter.createObservableGauge('nodejs_heap_total_bytes', { description: 'V8 heap reserved, in bytes' }).addCallback((r) => r.observe(getHeapStatistics().total_heap_size));
  meter.createObservableGauge('nodejs_external_memory_bytes', { description: 'Memory held outside the V8 heap (buffers), in bytes' }).addCallback((r) => r.observe(process.memoryUsage().external));
  meter.createObservableGauge('nodejs_eventloop_delay_p99_seconds', { description: '99th percentile of event-loop delay since the last report, in seconds' }).addCallback((r) => {
    r.observe(delay.count > 0 ? delay.percentile(99) / 1e9 : 0);
    delay.reset();
  });
  meter.createObservableGauge('nodejs_eventloop_utilization', { description: 'Share of time the event loop was busy since the last report (0..1)' }).addCallback((r) => {
    const now = performance.eventLoopUtilization();
    r.observe(performance.eventLoopUtilization(now, lastUtilization).utilization);
    lastUtilization = now;
  });
  meter.createObservableGauge('nodejs_active_resources', { description: 'Handles and requests keeping the event loop alive' }).addCallback((r) => r.observe(process.getActiveResourcesInfo().length));

  const gc = meter.createCounter('nodejs_gc_pause_seconds', { description: 'Time spent in garbage-collection pauses, in seconds, by kind' });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gc.add(entry.duration / 1000, { kind: gcKind((entry as unknown as { detail?: { kind?: number } }).detail?.kind) });
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    delay.disable();
  };
}

// perf_hooks.constants.NODE_PERFORMANCE_GC_*: a closed set, so the label stays bounded.
function gcKind(kind: number | undefined): string {
  switch (kind) {
    case 1:
      return 'major';
    case 2:
      return 'minor';
    case 4:
      return 'incremental';
    case 8:
      return 'weakcb';
    default:
      return 'other';
  }
}
