/**
 * The Plan: the checked config with every default applied, durations in
 * milliseconds and the list of runtime modules it needs. `hgw build` turns
 * only this into code; `hgw check -d` prints it. Plain JSON, no functions.
 */
export const PLAN_SCHEMA = 'hgw-plan/1' as const;

/**
 * The bundle's drain delay when HGW_DRAIN_DELAY is not set: after SIGTERM,
 * readiness is 503 this long while the listener still serves (Kubernetes'
 * endpoint propagation). Here because `hgw build --k8s` sizes the pod's
 * grace period from it.
 */
export const DEFAULT_DRAIN_DELAY_MS = 5000;

/** The probe paths the server answers before any route (runtime/core/probes.ts); `check` warns of endpoints they hide. */
export const PROBE_PATHS = { liveness: '/healthz', readiness: '/readyz' } as const;

/**
 * Module id → the type of its parsed settings. Empty here so the Plan's types
 * import nothing: runtime/settings/module-settings.ts fills it in (module
 * augmentation), one line per module.
 */
export interface ModuleSettings {}

export type SettingsModuleId = keyof ModuleSettings;

/** The parsed settings at one level (service, endpoint or backend), keyed by module id. */
export type LevelSettings = { [K in SettingsModuleId]?: ModuleSettings[K] };

export interface Plan {
  schema: typeof PLAN_SCHEMA;
  source: { file: string; sha256: string; routesFile?: string };
  service: ServicePlan;
  endpoints: EndpointPlan[];
  routes?: RoutesPlan;
  /** An ingress build (ingress.json): the whole process is this host table; no endpoints. */
  ingress?: IngressPlan;
  /** Runtime modules the config uses, sorted; codegen imports exactly these. */
  modules: string[];
}

/**
 * `hanzo` (the default) is the Go Hanzo gateway's shipping engine: the edge
 * chain on, production headers, `/healthz`. `krakend` is plain KrakenD CE /
 * Lura, asked for with `--profile krakend` or the config's
 * `github.com/hanzoai/gateway/profile`.
 */
export type ProfileName = 'hanzo' | 'krakend';

export interface ProfilePlan {
  name: ProfileName;
  /** Why: the `--profile` flag, the config's key, or the default. */
  source: 'flag' | 'config' | 'default';
}

/**
 * The Hanzo edge chain as resolved at plan time (hanzo-core.md §5.3, §7.2):
 * which parts run, in the Go engine's order. Absent when no part runs.
 */
export interface EdgePlan {
  /** The Go engine's `ProductionHeadersMiddleware`, backend CORS stripped, `/healthz` (hanzo profile only). */
  productionHeaders: boolean;
  /** The Hanzo credentialed CORS policy. */
  cors: boolean;
  /** The IAM gate (strip, verify, mint, billing). */
  iam: boolean;
  /** Client identity headers are stripped even where the IAM gate is off (the hanzo profile always strips). */
  strip: boolean;
  /** The `hz_` widget-key gate. */
  widgetGate: boolean;
  /**
   * `requireIdentity` on endpoints not `"auth/public": true`: `policy` when the
   * config is in the credential-policy form (some endpoint carries
   * `auth/public`; every endpoint must state an `auth/*` key), `all` when the
   * edge namespace asks for it outright, `off` otherwise.
   */
  requireIdentity: 'off' | 'all' | 'policy';
  /** `api.hanzo.ai` / `api.cloud.hanzo.ai` go to the cloud API on host routes. */
  cloudApiHosts: boolean;
}

export interface ServicePlan {
  name: string;
  profile: ProfilePlan;
  edge?: EdgePlan;
  port: number;
  listenIp?: string;
  timeoutMs: number;
  cacheTtlMs: number;
  outputEncoding: string;
  host: string[];
  debugEndpoint: boolean;
  echoEndpoint: boolean;
  disableRest: boolean;
  sequentialStart: boolean;
  server: {
    readTimeoutMs: number;
    writeTimeoutMs: number;
    idleTimeoutMs: number;
    readHeaderTimeoutMs: number;
    maxHeaderBytes: number;
    maxShutdownWaitMs: number;
  };
  client: {
    disableKeepAlives: boolean;
    disableCompression: boolean;
    maxIdleConnections: number;
    maxIdleConnectionsPerHost: number;
    idleConnectionTimeoutMs: number;
    responseHeaderTimeoutMs: number;
    expectContinueTimeoutMs: number;
    dialerTimeoutMs: number;
    dialerKeepAliveMs: number;
  };
  router: RouterPlan;
  /** Service `tls`: serve HTTPS. Absent for no block, `null` or `disabled: true`. */
  tls?: ServerTlsPlan;
  /** Service `client_tls`: how every backend connection over https is made. */
  clientTls?: ClientTlsPlan;
  /** `use_h2c`: accept HTTP/2 with prior knowledge on the plain-HTTP listener. */
  useH2c?: boolean;
  /** `dns_cache_ttl` for `sd: dns` backends (Lura: default 30 s, at least 1 s). */
  dnsCacheTtlMs?: number;
  /** Service extra_config with legacy namespace names rewritten to the short form. */
  extraConfig: Record<string, unknown>;
  /** The service-level settings of each module the config turns on, parsed with defaults filled in. */
  settings: LevelSettings;
  plugin?: { folder: string; pattern: string };
}

/**
 * TLS settings already in OpenSSL's terms (Go's ids and names mapped by the
 * CLI). File paths are read when the gateway starts, relative to its working
 * directory, as KrakenD reads them, so mounted secrets can change without a build.
 */
export interface TlsPlan {
  minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher string (TLS 1.3 suites always included, as Go cannot turn them off); absent: Node's defaults. */
  ciphers?: string;
  /** OpenSSL group list, e.g. `P-256:P-384:P-521`. */
  ecdhCurve: string;
  /** PEM files added to the trust store (client certificates for the server, backend certificates for the client). */
  caCerts: string[];
  /** Trust only `caCerts`, not the system's store. */
  disableSystemCaPool: boolean;
}

export interface TlsKeyPair {
  cert: string;
  key: string;
}

export interface ServerTlsPlan extends TlsPlan {
  /** Served certificates; the one whose names match the client's SNI is chosen, else the first. */
  keys: TlsKeyPair[];
  /** Require a client certificate signed by a trusted CA. */
  enableMtls: boolean;
}

export interface ClientTlsPlan extends TlsPlan {
  /** Do not verify backend certificates (`allow_insecure_connections`). */
  allowInsecure: boolean;
  /** Client certificates presented to backends that ask for one. */
  clientCerts: TlsKeyPair[];
}

export interface RouterPlan {
  returnErrorMsg: boolean;
  errorBody: { '404'?: unknown; '405'?: unknown };
  hideVersionHeader: boolean;
  disableHealth: boolean;
  healthPath: string;
  disableAccessLog: boolean;
  loggerSkipPaths: string[];
  disableRedirectTrailingSlash: boolean;
  disableRedirectFixedPath: boolean;
  disableHandleMethodNotAllowed: boolean;
  removeExtraSlash: boolean;
  disablePathDecoding: boolean;
  autoOptions: boolean;
  /** `max_payload`: largest request body in bytes, 0 for no limit (endpoints may set their own). */
  maxPayload: number;
  forwardedByClientIp: boolean;
  remoteIpHeaders: string[];
  trustedProxies: string[];
}

export interface EndpointPlan {
  /** Position in the config's endpoints array. */
  index: number;
  /** The path as written, `/users/{id}`. */
  endpoint: string;
  /** The router form, `/users/:id`. */
  route: string;
  method: string;
  params: string[];
  timeoutMs: number;
  cacheTtlMs: number;
  concurrentCalls: number;
  outputEncoding: string;
  /** Canonical header names; `["*"]` forwards every client header. */
  inputHeaders: string[];
  /** Query names, case-sensitive; `["*"]` forwards all. Empty forwards none. */
  inputQueryStrings: string[];
  /** `auth/public`: no verified identity required. */
  public: boolean;
  /** Largest request body in bytes (endpoint `proxy.max_payload`, else the router's), 0 for no limit; larger → 413. */
  maxPayload: number;
  proxy: ProxyPlan;
  extraConfig: Record<string, unknown>;
  /** The endpoint-level settings of each module the config turns on, parsed with defaults filled in. */
  settings: LevelSettings;
  backends: BackendPlan[];
  source: { line: number; column: number };
}

export interface ProxyPlan {
  sequential: boolean;
  sequentialPropagatedParams: string[];
  static?: { strategy: 'always' | 'success' | 'errored' | 'complete' | 'incomplete'; data: Record<string, unknown> };
  flatmapFilter?: FlatmapOp[];
  combiner?: string;
}

export interface FlatmapOp {
  type: 'move' | 'del' | 'append';
  args: string[];
}

export type UpstreamPlan =
  | { kind: 'http' }
  | {
      kind: 'base_ha';
      serviceDns: string;
      port: number;
      leaderPollIntervalMs: number;
      writeMethods: string[];
      readYourWritesTtlMs: number;
      readYourWritesStore?: string;
    }
  | {
      kind: 'base-network';
      shardKey: string;
      shardKeySource: string;
      memberPollIntervalMs: number;
      /** How a bare member id becomes a URL: `{id}`, `{service}` and `{port}` are filled from the backend host. */
      memberUrlTemplate: string;
    }
  | {
      kind: 'zap';
      nodeId: string;
      peerId: string;
      peerAddr: string;
      serviceType: string;
      port: number;
      timeoutMs: number;
      noDiscovery: boolean;
      /** `forward`: HIP-0110 Forward/Response/Push (what Hanzo services serve); `http`: hgw's types 200/201. */
      envelope: 'forward' | 'http';
    };

export interface BackendPlan {
  index: number;
  urlPattern: string;
  method: string;
  /** Sanitised hosts (`http://` added, trailing `/` dropped) unless disableHostSanitize. */
  hosts: string[];
  disableHostSanitize: boolean;
  encoding: string;
  isCollection: boolean;
  target?: string;
  allow?: string[];
  deny?: string[];
  mapping?: Record<string, string>;
  group?: string;
  sd: string;
  sdScheme: string;
  /** Backend-level filters narrow the endpoint's; absent means no further filtering. */
  inputHeaders?: string[];
  inputQueryStrings?: string[];
  upstream: UpstreamPlan;
  returnErrorCode: boolean;
  returnErrorDetails?: string;
  shadow: boolean;
  flatmapFilter?: FlatmapOp[];
  extraConfig: Record<string, unknown>;
  /** The backend-level settings of each module the config turns on, parsed with defaults filled in. */
  settings: LevelSettings;
}

export interface IngressPlan {
  /** Answered 200 `{"status":"ok"}` on every host and method. */
  healthPath: string;
  /** One entry per host (a host listed twice: the last entry, as Go's map keeps it); backends longest path first, ties in file order. */
  hosts: Array<{ host: string; auth: boolean; backends: Array<{ path: string; url: string }> }>;
}

export interface RoutesPlan {
  redirects: Array<{ host: string; target: string }>;
  /** Per host, prefixes longest first (ties keep file order). */
  hosts: Array<{ host: string; entries: Array<{ prefix: string; backend: string; rewrite?: string }> }>;
  /** Longest pattern first, so a more specific pattern is tried before a shorter one. */
  subdomains: Array<{ pattern: string; backend: string }>;
}
