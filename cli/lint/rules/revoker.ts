import { isIP } from 'node:net';
import { diagnosticAt } from '../../diagnostics/make.js';
import { has, obj } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { isLoopbackIp, revokerConfig } from '../../../runtime/auth/revoker/revoker-config.js';
import type { GatewayRule } from '../context.js';

/**
 * `auth/revoker`'s revocation API, checked as the runtime opens it: it binds
 * loopback unless `listen_ip` says otherwise, and anywhere else it needs
 * `revoke_server_api_key`, or anyone who reaches the port could revoke any
 * token (the runtime refuses to open it too).
 */
export const revokerRule: GatewayRule = ({ doc, config, report }) => {
  const value = obj(config.extra_config)['auth/revoker'];
  if (value === undefined) return;
  const at = joinPointer('/extra_config', 'auth/revoker');
  const cfg = revokerConfig(value);
  const ipAt = has(obj(value), 'listen_ip') ? `${at}/listen_ip` : at;
  if (isIP(cfg.listenIp) === 0) {
    report(diagnosticAt(doc, 'revoker-listen-ip', ipAt, `listen_ip ${JSON.stringify(cfg.listenIp)} is not an IP address`, { on: 'value', hint: 'Use 127.0.0.1 (the default), ::1, 0.0.0.0 or an interface\'s address.' }));
    return;
  }
  if (!isLoopbackIp(cfg.listenIp) && cfg.apiKey === '') {
    report(diagnosticAt(doc, 'revoker-api-key', ipAt, `the revocation API would listen on ${cfg.listenIp} with no revoke_server_api_key: anyone who reaches port ${cfg.port} could revoke any token`, {
      on: 'value', hint: 'Set "revoke_server_api_key" (callers send it as Authorization: Bearer <key>), or leave listen_ip at 127.0.0.1.',
    }));
  }
};
