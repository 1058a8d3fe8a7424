/**
 * The gateway's log lines, as krakend-gologging writes them. `telemetry/logging`
 * sets the level, the prefix, the format — `default`
 * (`<prefix> 2026/11/25 - 15:04:05.000 ▶ INFO message`), `logstash` (one JSON
 * object a line) or `custom` (go-logging's `%{verb}` pattern) — and where
 * lines go: standard output and/or the local syslog. Without it the level is
 * INFO and lines go to standard output. Access lines go to standard output
 * only, as in KrakenD, and carry their fields (status, latency, request id)
 * as JSON keys in the logstash format. Sinks the build linked (GELF) get
 * every record that passes the level, access lines included, unformatted.
 */
import { compileLogPattern, type LogRecord } from './log-pattern.js';
import { syslogWriter, type SyslogWrite } from './syslog-writer.js';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

const ORDER: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, CRITICAL: 4 };

/** Fields of one access-log line, for structured formats. */
export type AccessFields = Readonly<Record<string, string | number>>;

/** A destination beyond stdout and syslog, linked only when configured; it bounds its own buffering and never throws. */
export interface LogSink {
  write(record: LogRecord): void;
  close(): void;
}

export interface Logger {
  /** Whether lines of this level are written (so callers can skip building them). */
  enabled(level: LogLevel): boolean;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /** One access-log line (INFO): `msg` is the text form, `fields` the structured one. */
  access(msg: string, fields: AccessFields): void;
}

export interface LoggerOptions {
  level?: string;
  prefix?: string;
  /** `default`, `logstash` or `custom` (with `customFormat`). */
  format?: string;
  customFormat?: string;
  /** Where lines go: standard output unless `write` is given (tests). */
  write?: (line: string) => void;
  /** `telemetry/logging` `stdout`/`syslog`; with neither, standard output (KrakenD would write nowhere). */
  stdout?: boolean;
  syslog?: boolean;
  syslogFacility?: string;
  /** The syslog socket (`HGW_SYSLOG_SOCKET`; default the system's, /dev/log). */
  syslogSocket?: string;
  /** Further destinations (telemetry/gelf); closed with the logger. */
  sinks?: readonly LogSink[];
}

/** Ends the syslog pipe (the gateway's close calls it last). */
export type ClosableLogger = Logger & { close(): void };

export function createLogger(options: LoggerOptions): ClosableLogger {
  const level = ORDER[(options.level ?? 'INFO').toUpperCase() as LogLevel] ?? ORDER.INFO;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const module = logModule(options.prefix);
  const format = lineFormat(options.format, options.customFormat, prefix, module);
  const toStdout = options.write ?? ((line: string) => process.stdout.write(line));
  const stdout = options.stdout === true || options.syslog !== true || options.write !== undefined;
  const syslog: SyslogWrite | undefined = options.syslog === true ? syslogWriter(module, options.syslogFacility, options.syslogSocket, toStdout) : undefined;
  const sinks = options.sinks ?? [];
  const at = (l: LogLevel) => (msg: string) => {
    if (ORDER[l] < level) return;
    const record: LogRecord = { level: l, message: msg, time: new Date() };
    if (stdout) toStdout(format(record));
    syslog?.(l, format(record));
    for (const sink of sinks) sink.write(record);
  };
  return {
    enabled: (l) => ORDER[l] >= level,
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARNING'),
    error: at('ERROR'),
    access: (msg, fields) => {
      if (ORDER.INFO < level) return;
      const record: LogRecord = { level: 'INFO', message: msg, time: new Date(), fields };
      toStdout(format(record));
      for (const sink of sinks) sink.write(record);
    },
    close: () => {
      syslog?.close();
      for (const sink of sinks) sink.close();
    },
  };
}

const DEFAULT_PREFIX = '[GATEWAY]';

/** The module name lines carry (logstash `module`, syslog's tag, GELF `_module`): the prefix without its brackets. */
export function logModule(prefix: string | undefined): string {
  return (prefix ?? DEFAULT_PREFIX).replace(/^\[|\]$/g, '') || 'GATEWAY';
}

function lineFormat(name: string | undefined, custom: string | undefined, prefix: string, module: string): (r: LogRecord) => string {
  switch (name) {
    case 'logstash':
      return (r) => `${JSON.stringify({ '@timestamp': logstashTime(r.time), '@version': 1, level: r.level, message: r.message, module, ...r.fields })}\n`;
    case 'custom': {
      const pattern = compileLogPattern(custom ?? '%{message}', module);
      return (r) => `${prefix}${pattern(r)}\n`;
    }
    default:
      return (r) => `${prefix} ${timestamp(r.time)} ▶ ${r.level} ${r.message}\n`;
  }
}

function timestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} - ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** krakend-logstash's `@timestamp`: UTC, milliseconds, `+00:00`. */
function logstashTime(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}
