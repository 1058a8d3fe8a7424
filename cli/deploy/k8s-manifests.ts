import { stringify } from 'yaml';
import type { Plan } from '../../runtime/plan/plan.js';

/**
 * `hgw build --k8s`: Kubernetes objects for the built bundle. The pod is
 * taken out of the Service by `/readyz` turning 503 on SIGTERM, serves on
 * through the drain delay while endpoints propagate, then drains; the grace
 * period covers both. Rolling updates never go below the replica count, a
 * PodDisruptionBudget keeps one pod through node drains, and the routes
 * table, when the build has one, is a ConfigMap the bundle reads at start
 * (a checksum on the pod template rolls the pods when it changes).
 */
export interface K8sOptions {
  /** Object names and the `app.kubernetes.io/name` label. */
  name: string;
  image: string;
  replicas: number;
  /** The bundle's drain delay (HGW_DRAIN_DELAY), in ms. */
  drainDelayMs: number;
  /** routes.yaml text for the ConfigMap, when the build has one. */
  routesYaml?: string;
  /** Its sha256, for the roll-on-change annotation. */
  routesSha256?: string;
}

/** Where the ConfigMap is mounted; GATEWAY_ROUTES_FILE points at the file in it. */
const ROUTES_DIR = '/etc/hgw/routes';
/** Where a Secret with the TLS key pair is mounted when the config serves HTTPS. */
const TLS_DIR = '/etc/hgw/tls';
/** Grace beyond delay + drain: process exit and log flushing. */
const EXIT_MARGIN_S = 5;
/** When max_shutdown_wait_time is 0 (wait as long as requests run), the drain gets this long before the kubelet's SIGKILL. */
const UNBOUNDED_DRAIN_S = 30;

export function k8sManifests(plan: Plan, o: K8sOptions): Array<Record<string, unknown>> {
  const labels = { 'app.kubernetes.io/name': o.name, 'app.kubernetes.io/component': 'gateway', 'app.kubernetes.io/managed-by': 'hgw' };
  const selector = { 'app.kubernetes.io/name': o.name };
  const s = plan.service;
  const scheme = s.tls ? 'HTTPS' : 'HTTP';
  const drainS = s.server.maxShutdownWaitMs > 0 ? Math.ceil(s.server.maxShutdownWaitMs / 1000) : UNBOUNDED_DRAIN_S;
  const grace = Math.ceil(o.drainDelayMs / 1000) + drainS + EXIT_MARGIN_S;
  const routes = o.routesYaml !== undefined;

  const volumes: unknown[] = [];
  const mounts: unknown[] = [];
  if (routes) {
    volumes.push({ name: 'routes', configMap: { name: `${o.name}-routes` } });
    mounts.push({ name: 'routes', mountPath: ROUTES_DIR, readOnly: true });
  }
  if (s.tls) {
    volumes.push({ name: 'tls', secret: { secretName: `${o.name}-tls` } });
    mounts.push({ name: 'tls', mountPath: TLS_DIR, readOnly: true });
  }
  // The root filesystem is read-only; Node and undici want a writable /tmp now and then.
  volumes.push({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  mounts.push({ name: 'tmp', mountPath: '/tmp' });

  // The kubelet presents no client certificate: behind enable_mtls only a TCP check is possible,
  // and readiness then no longer turns 503 before the drain (the README says so).
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    ...(s.tls?.enableMtls ? { tcpSocket: { port: 'http' } } : { httpGet: { path, port: 'http', scheme } }),
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 2,
  });

  const objects: Array<Record<string, unknown>> = [];
  if (routes) {
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${o.name}-routes`, labels }, data: { 'routes.yaml': o.routesYaml } });
  }
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: o.name, labels },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: selector },
      // A new pod must be ready before an old one leaves: capacity never drops during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, ...(o.routesSha256 ? { annotations: { 'hgw.hanzo.ai/routes-sha256': o.routesSha256 } } : {}) },
        spec: {
          terminationGracePeriodSeconds: grace,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          // Replicas on different nodes, so a node drain takes one at a time.
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
          containers: [
            {
              name: 'gateway',
              image: o.image,
              ports: [{ name: 'http', containerPort: s.port, protocol: 'TCP' }],
              env: [
                { name: 'HGW_PORT', value: String(s.port) },
                { name: 'HGW_DRAIN_DELAY', value: `${o.drainDelayMs}ms` },
                ...(routes ? [{ name: 'GATEWAY_ROUTES_FILE', value: `${ROUTES_DIR}/routes.yaml` }] : []),
              ],
              readinessProbe: probe('/readyz', 2, 1),
              livenessProbe: probe('/healthz', 10, 3),
              startupProbe: probe('/healthz', 1, 30),
              resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  });
  objects.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name, labels },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: s.tls ? 443 : 80, targetPort: 'http', protocol: 'TCP' }] },
  });
  objects.push({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: o.name, labels },
    spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
  });
  objects.push({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: o.name, labels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: o.name },
      minReplicas: o.replicas,
      maxReplicas: Math.max(o.replicas * 4, o.replicas + 1),
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      // Scale in slowly: each pod removed drains, and a flapping load should not churn connections.
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    },
  });
  return objects;
}

/** The objects as one multi-document YAML file for `kubectl apply -f`. */
export function renderManifests(objects: ReadonlyArray<Record<string, unknown>>, header: string): string {
  return `# ${header}\n` + objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

/** A DNS-1123 label from a service name (`My Gateway` → `my-gateway`), `gateway` when nothing is left. */
export function k8sName(name: string): string {
  const n = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
  return n || 'gateway';
}
