import type { IncomingMessage } from 'node:http';

/**
 * Trace context for the backends of one request: header lines
 * (`traceparent`, `tracestate`) a telemetry middleware puts on the request,
 * which the request builder sends to every backend in place of the client's
 * own. Nothing is set when telemetry is off, and the builder pays one
 * property read.
 */
export const TRACE_HEADERS = Symbol('hgw.traceHeaders');

export type TracedRequest = IncomingMessage & { [TRACE_HEADERS]?: string[] };

export const TRACE_HEADER_NAMES: ReadonlySet<string> = new Set(['traceparent', 'tracestate']);
