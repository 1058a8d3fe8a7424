import type { LogLevel } from './logger.js';

/**
 * RFC 5424 severities of the gateway's levels, shared by the writers that
 * carry a line's level on the wire: syslog's `<priority>` and GELF's `level`.
 */
export const SYSLOG_SEVERITY: Readonly<Record<LogLevel, number>> = { CRITICAL: 2, ERROR: 3, WARNING: 4, INFO: 6, DEBUG: 7 };
