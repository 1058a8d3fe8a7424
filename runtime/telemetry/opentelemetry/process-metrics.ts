import { readdirSync } from 'node:fs';
import type { Meter } from '@opentelemetry/api';

/**
 * `process_metrics`: the process as Prometheus' client libraries name it —
 * CPU seconds, resident memory, open file descriptors, start time — read
 * when a scrape or an export asks, so nothing runs between reports.
 */
export function observeProcess(meter: Meter): void {
  const startSeconds = Math.round((Date.now() - process.uptime() * 1000) / 1000);
  meter.createObservableCounter('process_cpu_seconds', { description: 'User and system CPU time spent, in seconds' }).addCallback((r) => {
    const { user, system } = process.cpuUsage();
    r.observe((user + system) / 1e6);
  });
  meter.createObservableGauge('process_resident_memory_bytes', { description: 'Resident set size, in bytes' }).addCallback((r) => r.observe(process.memoryUsage.rss()));
  meter.createObservableGauge('process_start_time_seconds', { description: 'Start time of the process since the Unix epoch, in seconds' }).addCallback((r) => r.observe(startSeconds));
  meter.createObservableGauge('process_open_fds', { description: 'Open file descriptors (Linux only)' }).addCallback((r) => {
    const fds = openFds();
    if (fds !== undefined) r.observe(fds);
  });
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}
