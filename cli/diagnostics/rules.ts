import type { Severity } from './diagnostic.js';

/**
 * Every rule id hgw can report, registered once. Ids are stable: CI configs,
 * SARIF baselines and suppressions refer to them, so never rename one.
 */
export interface RuleInfo {
  severity: Severity;
  /** Which stage reports it. */
  stage: 'load' | 'schema' | 'lint';
  /** One or two sentences: what the rule catches and why it matters. */
  doc: string;
  /** Load failures make `check` exit 2 instead of 1: the input could not be read as a config at all. */
  fatal?: boolean;
}

const RULES = {
  // --- load: the file could not be turned into a value ---
  'input-unreadable': { severity: 'error', stage: 'load', fatal: true, doc: 'The file does not exist, is a directory, or cannot be read.' },
  'input-empty': { severity: 'error', stage: 'load', fatal: true, doc: 'The file is empty or only whitespace; a config needs at least `{"version": 3}`.' },
  'input-not-text': { severity: 'error', stage: 'load', fatal: true, doc: 'The file is not UTF-8 text (NUL bytes or invalid byte sequences), so it cannot be a JSON or YAML config.' },
  'input-bom': { severity: 'error', stage: 'load', fatal: true, doc: 'The file starts with a UTF-8 byte-order mark, which Go\'s JSON decoder (and so KrakenD) rejects.' },
  'json-syntax': { severity: 'error', stage: 'load', fatal: true, doc: 'The file is not valid JSON (RFC 8259): a missing comma, a trailing comma, a raw control character such as a tab inside a string, or truncated input.' },
  'yaml-syntax': { severity: 'error', stage: 'load', fatal: true, doc: 'The file is not valid YAML 1.2 (bad indentation, tabs used for indentation, unclosed quotes).' },
  'nesting-too-deep': { severity: 'error', stage: 'load', fatal: true, doc: 'Arrays and objects nest more than 200 levels deep; no gateway config needs that, and deeper input is refused before it can exhaust the parser.' },
  'duplicate-key': { severity: 'error', stage: 'load', fatal: true, doc: 'An object has the same key twice. Go keeps the last one silently, so one of the two settings would be lost without notice.' },
  'template-error': { severity: 'error', stage: 'load', fatal: true, doc: 'Flexible Configuration is on and the config template could not be rendered: Go template syntax (an undefined function or variable, an unclosed action), an execution error (a missing template, a field of nil, a failing function), a settings file that is not JSON, or a render bound.' },

  // --- schema: the value does not fit schemas/ ---
  'schema-type': { severity: 'error', stage: 'schema', doc: 'A value has the wrong JSON type for its key (for example a number where a duration string is expected).' },
  'schema-enum': { severity: 'error', stage: 'schema', doc: 'A value is not one of the allowed choices for its key.' },
  'schema-required': { severity: 'error', stage: 'schema', doc: 'A required key is missing.' },
  'schema-range': { severity: 'error', stage: 'schema', doc: 'A number, string or list is outside the allowed range or length.' },
  'schema-pattern': { severity: 'error', stage: 'schema', doc: 'A string does not have the required form.' },
  'schema-format': { severity: 'error', stage: 'schema', doc: 'A string is not a valid value of its format (URI, hostname, …).' },
  'schema-invalid': { severity: 'error', stage: 'schema', doc: 'A value breaks a schema constraint not covered by a more specific rule.' },
  'unknown-key': { severity: 'warning', stage: 'schema', doc: 'A key that hgw (and KrakenD) does not know; the runtime ignores it, which usually means a typo.' },
  'unknown-namespace': { severity: 'warning', stage: 'schema', doc: 'An `extra_config` namespace that no module handles at this level; the runtime ignores it.' },
  'invalid-duration': { severity: 'error', stage: 'schema', doc: 'A duration that Go\'s time.ParseDuration rejects; use a number with a unit, e.g. `250ms`, `1.5s`, `1h30m`.' },
  'version-unsupported': { severity: 'error', stage: 'schema', doc: 'Only configuration format version 3 is supported (as in KrakenD CE 2.x and Lura).' },

  // --- lint: Lura Init rules ---
  'listen-ip-invalid': { severity: 'error', stage: 'lint', doc: '`listen_ip` must be an IPv4 or IPv6 address (not a host name); Lura refuses the config otherwise.' },
  'tls-unsupported': { severity: 'warning', stage: 'lint', doc: 'A `tls` or `client_tls` setting Node\'s OpenSSL cannot express (SSL 3.0, a cipher suite or curve id Go\'s crypto/tls does not implement); hgw leaves it out and says what it uses instead.' },
  'tls-versions': { severity: 'error', stage: 'lint', doc: 'A `tls` or `client_tls` `min_version` above its `max_version` (default `TLS13`): every handshake would fail.' },
  'tls-insecure': { severity: 'warning', stage: 'lint', doc: '`client_tls.allow_insecure_connections` turns off backend certificate verification; trust a private CA with `ca_certs` instead.' },
  'endpoint-path-invalid': { severity: 'error', stage: 'lint', doc: 'An endpoint path must start with `/` and may not contain `?`, `&`, `%` or a `*` other than a final `/*`.' },
  'endpoint-path-reserved': { severity: 'error', stage: 'lint', doc: 'The paths `/__debug`, `/__echo` and `/__health` (and anything below them) belong to the gateway itself.' },
  'endpoint-path-probe': { severity: 'warning', stage: 'lint', doc: 'A GET endpoint at `/healthz` or `/readyz`: the server answers those probes itself, before any route, so the endpoint is never reached.' },
  'endpoint-wildcard': { severity: 'error', stage: 'lint', doc: 'A trailing `/*` passes Lura\'s check but the gin router panics on unnamed wildcards at start-up; catch-all routes are not supported.' },
  'endpoint-no-backends': { severity: 'error', stage: 'lint', doc: 'An endpoint needs at least one backend; Lura refuses the whole config otherwise.' },
  'endpoint-method-case': { severity: 'warning', stage: 'lint', doc: 'HTTP methods are upper case; Lura upper-cases endpoint and backend methods at load, but KrakenD\'s schema and other tools expect the canonical form.' },
  'url-param-undefined': { severity: 'error', stage: 'lint', doc: 'A `{param}` in a url_pattern that the endpoint path does not define (only `{respN_…}` in sequential proxies and `{JWT.…}` claims are exempt).' },
  'url-params-mismatch': { severity: 'error', stage: 'lint', doc: 'A backend uses more distinct parameters than the endpoint declares, which Lura rejects.' },
  'sequential-param-order': { severity: 'error', stage: 'lint', doc: 'A `{respN_…}` placeholder must refer to an earlier backend of a sequential proxy (N smaller than the backend\'s own index), and the endpoint must be sequential.' },
  'noop-multiple-backends': { severity: 'error', stage: 'lint', doc: '`output_encoding: no-op` passes one backend response through untouched, so the endpoint may have only one backend.' },
  'host-invalid': { severity: 'error', stage: 'lint', doc: 'A backend host must be `[http[s]://]name[:port][/]` (Lura host sanitisation) unless `disable_host_sanitize` is set.' },
  'host-scheme-missing': { severity: 'info', stage: 'lint', doc: 'A backend host without a scheme (`users-svc:8080`); Lura silently calls it with `http://`, so say which scheme is meant.' },
  'host-scheme-missing-443': { severity: 'warning', stage: 'lint', doc: 'A backend host without a scheme on port 443 (`api.x.com:443`) is called over plain `http://`, which a TLS server refuses; write `https://`.' },
  'host-missing': { severity: 'error', stage: 'lint', doc: 'A backend has no host and the service declares no default `host`; every request to it would fail.' },
  'martian-invalid': { severity: 'error', stage: 'lint', doc: 'A `modifier/martian` definition that does not compile (an unknown modifier, a bad regex): KrakenD logs it and runs the backend unmodified.' },
  'json-schema-invalid': { severity: 'error', stage: 'lint', doc: 'A `validation/json-schema` schema that does not compile: KrakenD logs it and serves the endpoint without validating bodies.' },
  'regexp-invalid': { severity: 'error', stage: 'lint', doc: 'A regular expression in the config (bot detector `patterns`, `security/http` allowed-host regexes, martian regex filters, JSON Schema `pattern`/`patternProperties`, a literal CEL `matches` pattern) that Go\'s RE2 refuses: lookaround, backreferences, a repeat over 1000. Patterns run on RE2 in linear time, as in Go.' },
  'gelf-address': { severity: 'error', stage: 'lint', doc: '`telemetry/gelf` `address` must be `host:port` (an IPv6 host in brackets); the gateway would not start.' },
  'gelf-without-logging': { severity: 'warning', stage: 'lint', doc: '`telemetry/gelf` without `telemetry/logging`: GELF is a writer of the logging module\'s lines (in KrakenD too), so nothing is sent and hgw does not link it.' },
  'revoker-api-key': { severity: 'error', stage: 'lint', doc: '`auth/revoker` binds its revocation API to a non-loopback `listen_ip` without `revoke_server_api_key`: anyone who reaches the port could revoke any token. hgw refuses to open it.' },
  'revoker-listen-ip': { severity: 'error', stage: 'lint', doc: '`auth/revoker` `listen_ip` must be an IP address (default 127.0.0.1).' },
  'cel-syntax': { severity: 'error', stage: 'lint', doc: 'A `validation/cel` expression that does not parse: KrakenD switches off every check of that endpoint or backend and serves it unchecked.' },
  'cel-type': { severity: 'warning', stage: 'lint', doc: 'A `validation/cel` expression that fails its type check against krakend-cel\'s variables is left out at start-up; the other checks still run.' },
  'cel-never-evaluated': { severity: 'warning', stage: 'lint', doc: 'A `validation/cel` expression that reads none of `req_*`, `resp_*` or `JWT` is never evaluated: KrakenD sorts expressions by those names.' },
  'backend-timeout-ignored': { severity: 'warning', stage: 'lint', doc: 'KrakenD CE and hgw have no per-backend `timeout`; the endpoint timeout applies. KrakenD\'s schema lint rejects the key, the runtime ignores it.' },
  'v2-key': { severity: 'warning', stage: 'lint', doc: 'A KrakenD config-v2 key that v3 silently ignores (`headers_to_pass`, `querystring_params`, …); use the v3 name instead.' },
  'legacy-namespace': { severity: 'warning', stage: 'lint', doc: 'A long legacy namespace (e.g. `github_com/devopsfaith/krakend/proxy`) that KrakenD still reads at runtime; write the short form instead.' },
  'duration-non-positive': { severity: 'warning', stage: 'lint', doc: 'A timeout of zero or less falls back to the default; say so explicitly or remove the key.' },

  // --- lint: routing (what `krakend check -t` catches) ---
  'route-duplicate': { severity: 'error', stage: 'lint', doc: 'Two endpoints share method and path; gin panics with "handlers are already registered".' },
  'route-conflict': { severity: 'error', stage: 'lint', doc: 'Two routes put differently named `{params}` at the same position of the same method\'s tree; gin panics at start-up.' },

  // --- lint: Hanzo modules ---
  'base-ha-poll-interval': { severity: 'error', stage: 'lint', doc: '`leader_poll_interval` must be at least 100ms (a retry-storm guard).' },
  'base-ha-ttl-negative': { severity: 'error', stage: 'lint', doc: '`read_your_writes_ttl` must be zero (disabled) or positive.' },
  'base-ha-write-methods': { severity: 'warning', stage: 'lint', doc: '`write_methods` lists something that is not an HTTP method; entries are trimmed and upper-cased.' },
  'base-ha-store': { severity: 'error', stage: 'lint', doc: '`read_your_writes_store` must be a `redis://` or `rediss://` URL.' },
  'base-ha-host': { severity: 'error', stage: 'lint', doc: 'A base_ha backend reads through its first host (the ClusterIP service); it must have one, and further hosts are ignored.' },
  'upstream-exclusive': { severity: 'warning', stage: 'lint', doc: 'A backend carries more than one upstream namespace (base_ha, base-network, zap); only one applies (base_ha, then base-network, then zap).' },
  'base-network-shard-source': { severity: 'error', stage: 'lint', doc: '`shard_key_source` must be `jwt.sub`, `jwt.owner`, `header:<Name>` or `cookie:<name>`.' },
  'base-network-header-source': { severity: 'warning', stage: 'lint', doc: 'A `header:` shard key is chosen by the client; anyone can target any shard. Prefer `jwt.sub` / `jwt.owner`.' },
  'base-network-member-template': { severity: 'error', stage: 'lint', doc: 'A base-network `member_url_template` must be an http(s) URL with `{id}` in it, or bare member ids cannot be reached.' },
  'base-network-host': { severity: 'error', stage: 'lint', doc: 'A base-network backend polls `{host[0]}/-/base/members`, so its first host must be a full URL with scheme.' },
  'zap-peer-addr': { severity: 'error', stage: 'lint', doc: '`peer_addr` must be `host:port`, with a port from 1 to 65535.' },
  'zap-no-peer': { severity: 'error', stage: 'lint', doc: 'With `no_discovery: true` the node cannot find its peer: set `peer_addr`.' },

  'module-settings': { severity: 'warning', stage: 'lint', doc: 'A module setting its parser finds wrong when the Plan is built and the schema lets through (a rate-limit `store` that is not a Redis URL, a client limit without strategy, an HTTP status out of range): an error where the gateway would refuse to start, a warning where it would ignore the value and use the default it names.' },
  'trusted-proxy-invalid': { severity: 'warning', stage: 'lint', doc: 'A `router.trusted_proxies` entry that is neither an IP address nor a CIDR. gin refuses the list at start-up; hgw drops the entry (trusting less), so that proxy\'s X-Forwarded-For is not believed.' },
  'not-enforced': { severity: 'warning', stage: 'lint', doc: 'A setting or namespace the schema knows but this hgw does not enforce: the gateway runs as if it were absent. `hgw build` names it too, and the manifest lists it; `--fail-on warning` makes CI stop on it.' },

  // --- lint: profiles (hanzo engine / plain KrakenD) ---
  'credential-policy-missing': { severity: 'error', stage: 'lint', doc: 'Once endpoints carry `auth/public`, every endpoint must state a credential policy (an `auth/*` key): the Go engine refuses to start otherwise, and so does hgw.' },
  'cors-not-wired': { severity: 'warning', stage: 'lint', doc: 'Under the hanzo profile `security/cors` is not wired: the Go engine answers CORS with its one policy. `--profile krakend` keeps KrakenD\'s CORS.' },
  'identity-header-forgeable': { severity: 'warning', stage: 'lint', doc: 'An endpoint forwards an identity header (X-User-Id, X-Org-Id, …) that nothing in the gateway strips or writes, so a client can forge it. The hanzo profile strips them on every request.' },
  'identity-header-copied': { severity: 'warning', stage: 'lint', doc: 'A backend\'s `modifier/martian` copies a value the client chose (a header input_headers let through; X-Forwarded-Host, X-Forwarded-For and, under the hanzo profile, X-Request-ID, which the gateway fills from the client\'s; the path via `stash.Modifier`; or a header an earlier martian write filled from one of those) into an identity header. Martian runs after the gateway stripped and minted identity, so the client would name the identity the backend trusts.' },

  // --- lint: routes.yaml / ingress.json ---
  'routes-backend-url': { severity: 'error', stage: 'lint', doc: 'A routes.yaml backend or redirect target must be an absolute http(s) URL.' },
  'routes-duplicate-prefix': { severity: 'error', stage: 'lint', doc: 'A host lists the same prefix twice; which entry wins is undefined (Go sorts prefixes with an unstable sort).' },
  'routes-subdomain-overlap': { severity: 'error', stage: 'lint', doc: 'Two subdomain patterns can both match one host (one contains the other); Go iterates a map, so which one wins is random.' },
  'routes-prefix-form': { severity: 'warning', stage: 'lint', doc: 'A route prefix should start with `/`; prefixes match raw, so `/api` also matches `/apix`.' },
  'ingress-backend-url': { severity: 'error', stage: 'lint', doc: 'An ingress backend URL must be an absolute http(s) URL.' },
  'ingress-duplicate-host': { severity: 'warning', stage: 'lint', doc: 'Two ingress routes name the same host; only the last one is served (as Go\'s map keeps it), so the earlier one\'s backends are dead configuration.' },
  'ingress-listen': { severity: 'error', stage: 'lint', doc: 'The ingress `listen` address must be `[host]:port` with a port from 0 to 65535.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export const RULE_REGISTRY: Readonly<Record<RuleId, RuleInfo>> = RULES;

export function ruleInfo(id: RuleId): RuleInfo {
  return RULES[id];
}

export function isRuleId(id: string): id is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, id);
}

/** Link shown in SARIF and pretty output; the README has one section per rule id. */
export function ruleHelpUri(id: RuleId): string {
  return `https://github.com/hanzoai/hgw/blob/main/docs/rules.md#${id}`;
}
