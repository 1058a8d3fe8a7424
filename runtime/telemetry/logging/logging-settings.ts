/**
 * `telemetry/logging` as krakend-gologging reads it: level, prefix, line
 * format and where lines go, with its defaults (INFO, `[GATEWAY]`, the
 * default format, syslog facility local3). Parsed when the Plan is built;
 * the gateway's logger is created from the result (runtime/core/logger.ts).
 */
import type { LoggerOptions } from '../../shared/log/logger.js';
import { settingsParser } from '../../plan/settings.js';

export type LoggingSettings = Required<Pick<LoggerOptions, 'level' | 'prefix' | 'format' | 'stdout' | 'syslog' | 'syslogFacility'>> & Pick<LoggerOptions, 'customFormat'>;

const FORMATS = new Set(['default', 'logstash', 'custom']);

export const loggingSettings = /* @__PURE__ */ settingsParser<LoggingSettings>((raw, problems) => {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const v = raw as Record<string, unknown>;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  let format = str('format') ?? 'default';
  if (!FORMATS.has(format)) {
    problems.warn('/format', `format ${JSON.stringify(format)} is not one the gateway writes: lines use the default format`, 'Use "default", "logstash" or "custom" (with "custom_format").');
    format = 'default';
  }
  const customFormat = str('custom_format');
  if (format === 'custom' && customFormat === undefined) {
    problems.warn('/format', 'format "custom" without custom_format: lines carry the message only', 'Add "custom_format", e.g. "%{time:2006/01/02 - 15:04:05.000} %{level} %{message}".');
  }
  return {
    level: (str('level') ?? 'INFO').toUpperCase(),
    prefix: str('prefix') ?? '[GATEWAY]',
    format,
    ...(format === 'custom' && customFormat !== undefined ? { customFormat } : {}),
    stdout: v.stdout === true,
    syslog: v.syslog === true,
    syslogFacility: str('syslog_facility') ?? 'local3',
  };
});
