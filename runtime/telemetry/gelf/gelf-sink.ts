import { hostname } from 'node:os';
import type { LogSinkFactory } from '../../core/start.js';
import { logModule } from '../../shared/log/logger.js';
import { parseGelfAddress } from './gelf-address.js';
import { gelfMessage } from './gelf-message.js';
import { gelfTcp } from './gelf-tcp.js';
import { gelfUdp } from './gelf-udp.js';

/**
 * `telemetry/gelf` (krakend-gelf): the gateway's log lines, as GELF messages,
 * to a Graylog input at `address` over UDP, or TCP with `enable_tcp`. As in
 * KrakenD it is a writer of `telemetry/logging`'s logger — its level decides
 * what is sent, and the message is the line's text without prefix or time
 * (KrakenD formats GELF lines as `%{message}`) — so the build links it only
 * when both are configured. Access lines are sent too, with their fields.
 */
export const gelfSink: LogSinkFactory = ({ service, report }) => {
  const config = service.extraConfig['telemetry/gelf'] as { address?: unknown; enable_tcp?: unknown } | undefined;
  const address = typeof config?.address === 'string' ? parseGelfAddress(config.address) : undefined;
  // check refuses such a config; a hand-edited bundle must not start half-configured.
  if (address === undefined) throw new Error(`telemetry/gelf: address ${JSON.stringify(config?.address)} is not host:port`);
  const transport = config?.enable_tcp === true ? gelfTcp(address, report) : gelfUdp(address, report);
  const host = hostname();
  const module = logModule(service.settings['telemetry/logging']?.prefix);
  return {
    write: (record) => transport.send(Buffer.from(gelfMessage(record, host, module))),
    close: () => transport.close(),
  };
};
