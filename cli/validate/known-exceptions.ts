/**
 * Keys the schema does not list but a dedicated lint rule explains better
 * than a generic "unknown key" would; the schema stage stays quiet on them.
 */
export const V2_KEYS: Readonly<Record<string, string>> = {
  headers_to_pass: 'input_headers',
  querystring_params: 'input_query_strings',
  whitelist: 'allow',
  blacklist: 'deny',
  sd_provider: 'sd',
};

/** Legacy long namespaces KrakenD CE still reads at runtime, and their documented short names. */
export const LEGACY_NAMESPACES: Readonly<Record<string, string>> = {
  'github_com/luraproject/lura/router/gin': 'router',
  'github_com/devopsfaith/krakend/transport/http/server/handler': 'plugin/http-server',
  'github.com/devopsfaith/krakend/transport/http/client/executor': 'plugin/http-client',
  'github.com/devopsfaith/krakend/proxy/plugin': 'plugin/req-resp-modifier',
  'github.com/devopsfaith/krakend/proxy': 'proxy',
  'github.com/devopsfaith/krakend/http': 'backend/http',
  'github.com/devopsfaith/krakend-jose/validator': 'auth/validator',
  'github.com/devopsfaith/krakend-jose/signer': 'auth/signer',
  'github.com/devopsfaith/krakend-cors': 'security/cors',
  'github_com/devopsfaith/krakend-cors': 'security/cors',
  'github.com/devopsfaith/krakend-botdetector': 'security/bot-detector',
  'github_com/devopsfaith/krakend-botdetector': 'security/bot-detector',
  'github.com/devopsfaith/krakend-httpsecure': 'security/http',
  'github_com/devopsfaith/krakend-httpsecure': 'security/http',
  'github.com/devopsfaith/krakend-ratelimit/juju/router': 'qos/ratelimit/router',
  'github.com/devopsfaith/krakend-ratelimit/juju/proxy': 'qos/ratelimit/proxy',
  'github.com/devopsfaith/krakend-ratelimit/rate/router': 'qos/ratelimit/router',
  'github.com/devopsfaith/krakend-ratelimit/rate/proxy': 'qos/ratelimit/proxy',
  'github.com/devopsfaith/krakend-circuitbreaker/gobreaker': 'qos/circuit-breaker',
  'github.com/devopsfaith/krakend-httpcache': 'qos/http-cache',
  'github.com/devopsfaith/krakend-martian': 'modifier/martian',
  'github.com/devopsfaith/krakend-lua/router': 'modifier/lua-endpoint',
  'github.com/devopsfaith/krakend-lua/proxy': 'modifier/lua-proxy',
  'github.com/devopsfaith/krakend-lua/proxy/backend': 'modifier/lua-backend',
  'github.com/devopsfaith/krakend-cel': 'validation/cel',
  'github.com/devopsfaith/krakend-jsonschema': 'validation/json-schema',
  'github_com/devopsfaith/krakend-gologging': 'telemetry/logging',
  'github_com/devopsfaith/krakend-metrics': 'telemetry/metrics',
  'github_com/letgoapp/krakend-influx': 'telemetry/influx',
  'github_com/devopsfaith/krakend-opencensus': 'telemetry/opencensus',
  'github.com/devopsfaith/krakend-oauth2-clientcredentials': 'auth/client-credentials',
  'github.com/devopsfaith/krakend-lambda': 'backend/lambda',
  'github.com/devopsfaith/krakend-pubsub/publisher': 'backend/pubsub/publisher',
  'github.com/devopsfaith/krakend-pubsub/subscriber': 'backend/pubsub/subscriber',
  'github.com/devopsfaith/krakend-amqp/consume': 'backend/amqp/consumer',
  'github.com/devopsfaith/krakend-amqp/produce': 'backend/amqp/producer',
  'github.com/devopsfaith/bloomfilter': 'auth/revoker',
};
