import type { LogRecord } from '../../shared/log/log-pattern.js';
import { SYSLOG_SEVERITY } from '../../shared/log/syslog-severity.js';

/**
 * One log record as a GELF 1.1 message (Graylog's JSON format), as
 * go-gelf's writer builds it under KrakenD: the message trimmed, its first
 * line as `short_message` and the whole as `full_message` when it has several,
 * `host` the machine's name, `timestamp` in seconds. Unlike KrakenD's writer
 * (every line level 6), `level` is the line's own syslog severity; `_module`
 * is the logging prefix's name, and an access line's fields (status, latency,
 * client IP, method, path, request id) become additional fields (`_status`, …).
 */
export function gelfMessage(record: LogRecord, host: string, module: string): string {
  const text = record.message.trim();
  const newline = text.indexOf('\n');
  const message: Record<string, string | number> = {
    version: '1.1',
    host,
    // GELF refuses an empty short_message.
    short_message: (newline > 0 ? text.slice(0, newline) : text) || '-',
    ...(newline > 0 ? { full_message: text } : {}),
    timestamp: record.time.getTime() / 1000,
    level: SYSLOG_SEVERITY[record.level],
    _module: module,
  };
  if (record.fields) for (const [key, value] of Object.entries(record.fields)) message[`_${key}`] = value;
  return JSON.stringify(message);
}
