// hgw build --relay: the Go gateway's default build (HIP-0110 relay, spec C4), configured by the
// environment alone (CLOUD_ZAP_ADDR, BASE_ZAP_ADDR, GATEWAY_HEALTH_LISTEN, AUTH_*, …). No config data.
import { relayMain } from '@hgw/runtime/relay/relay-main.js';

void relayMain(process.env);
