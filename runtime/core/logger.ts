/**
 * The gateway's log lines, KrakenD-shaped: `<prefix> 2026/11/25 - 15:04:05.000 ▶ INFO message`.
 * `telemetry/logging` sets the level and prefix; without it the level is INFO.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

const ORDER: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, CRITICAL: 4 };

export interface Logger {
  /** Whether lines of this level are written (so callers can skip building them). */
  enabled(level: LogLevel): boolean;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function createLogger(options: { level?: string; prefix?: string; write?: (line: string) => void }): Logger {
  const level = ORDER[(options.level ?? 'INFO').toUpperCase() as LogLevel] ?? ORDER.INFO;
  const prefix = options.prefix ?? '[GATEWAY]';
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const at = (l: LogLevel) => (msg: string) => {
    if (ORDER[l] >= level) write(`${prefix} ${timestamp(new Date())} ▶ ${l} ${msg}\n`);
  };
  return { enabled: (l) => ORDER[l] >= level, debug: at('DEBUG'), info: at('INFO'), warn: at('WARNING'), error: at('ERROR') };
}

function timestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} - ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
