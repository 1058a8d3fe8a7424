import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientIp } from '../shared/client-ip/client-ip.js';
import type { Logger } from '../shared/log/logger.js';
import { REQUEST_ID, type RequestWithId } from '../shared/request-id.js';

/**
 * One access-log line per finished request, gin-style: status, latency,
 * client IP, method and path — `[ACCESS] 200 | 1.234ms | 127.0.0.1 | GET "/x"`
 * — and, when `telemetry/logging` is configured, the request id at the end
 * (assigned before, so backends get the same one). The logstash format writes
 * the same facts as JSON keys.
 */
export function logAccess(req: IncomingMessage, res: ServerResponse, log: Logger, skip: ReadonlySet<string>, withId: boolean): void {
  const started = process.hrtime.bigint();
  // Read now: by 'finish' Node may have let go of the request's socket.
  const ip = clientIp(req);
  const id = withId ? (req as RequestWithId)[REQUEST_ID] : undefined;
  res.once('finish', () => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (skip.has(path)) return;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const method = req.method ?? 'GET';
    const text = `[ACCESS] ${res.statusCode} | ${ms.toFixed(3)}ms | ${ip} | ${method} ${JSON.stringify(url)}${id === undefined ? '' : ` | ${id}`}`;
    log.access(text, { status: res.statusCode, latency_ms: Number(ms.toFixed(3)), client_ip: ip, method, path: url, ...(id === undefined ? {} : { request_id: id }) });
  });
}
