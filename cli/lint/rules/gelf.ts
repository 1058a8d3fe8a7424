import { diagnosticAt } from '../../diagnostics/make.js';
import { has, obj, str } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { parseGelfAddress } from '../../../runtime/telemetry/gelf/gelf-address.js';
import type { GatewayRule } from '../context.js';

/**
 * `telemetry/gelf`, checked as the runtime opens it: `address` must be
 * `host:port`, and — GELF being a writer of `telemetry/logging`'s logger, in
 * KrakenD as in hgw — without `telemetry/logging` nothing is sent, which is
 * said rather than left to surprise.
 */
export const gelfRule: GatewayRule = ({ doc, config, report }) => {
  const extra = obj(config.extra_config);
  const value = extra['telemetry/gelf'];
  if (value === undefined) return;
  const at = joinPointer('/extra_config', 'telemetry/gelf');
  const address = str(obj(value).address);
  if (address !== undefined && parseGelfAddress(address) === undefined) {
    report(diagnosticAt(doc, 'gelf-address', `${at}/address`, `telemetry/gelf address ${JSON.stringify(address)} is not host:port`, {
      on: 'value', hint: 'Write the Graylog input as "graylog.example.com:12201" (an IPv6 host in brackets: "[::1]:12201").',
    }));
  }
  if (!has(extra, 'telemetry/logging')) {
    report(diagnosticAt(doc, 'gelf-without-logging', at, 'telemetry/gelf sends the lines of telemetry/logging, which is not configured: nothing is sent', {
      hint: 'Add "telemetry/logging" (at least a "level"), as KrakenD requires for GELF too.',
    }));
  }
};
