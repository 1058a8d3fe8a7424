import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { ROOT, runHgw } from '../helpers/cli.js';
import { base } from '../helpers/check.js';
import { request, startServer } from '../helpers/servers.js';
import { LISTENING, spawnWatched } from '../helpers/processes.js';

/**
 * Deployment material: `hgw build --k8s` objects validated against the
 * Kubernetes API schemas (kubernetes-models), consistent with the bundle
 * they run (port, probes, grace period ≥ drain delay + drain, routes
 * ConfigMap where GATEWAY_ROUTES_FILE looks); the bundle Dockerfile's
 * command run from a copy of dist/ alone; the systemd unit verified.
 */
const work = mkdtempSync(join(tmpdir(), 'hgw-deploy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

// Parsed YAML, read field by field; the schemas above are what check its shape.
type Obj = Record<string, any>;

function validate(o: Obj): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  new Model(o as never).validate();
}

function buildK8s(config: unknown, ...flags: string[]): { dist: string; objects: Obj[] } {
  const dir = mkdtempSync(join(work, 'b-'));
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
  const r = runHgw(['build', join(dir, 'gateway.json'), '--out', join(dir, 'dist'), '--k8s', ...flags]);
  expect(r.code, r.stderr).toBe(0);
  const docs = parseAllDocuments(readFileSync(join(dir, 'dist/k8s/gateway.yaml'), 'utf8'));
  return { dist: join(dir, 'dist'), objects: docs.map((d) => d.toJSON() as Obj) };
}

describe('hgw build --k8s', () => {
  const routes = join(work, 'routes.yaml');
  writeFileSync(routes, 'routes:\n  example.com:\n    - prefix: /\n      backend: http://site.internal:80\n');
  const { objects } = buildK8s(
    base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x' }] }], { name: 'Edge API', port: 9090, max_shutdown_wait_time: '20s' }),
    '--routes', routes, '--k8s-image', 'registry.example.com/edge:7', '--k8s-replicas', '3',
  );
  const byKind = Object.fromEntries(objects.map((o) => [o.kind, o]));

  it('writes a ConfigMap, Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler that the Kubernetes schemas accept', () => {
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']);
    for (const o of objects) validate(o);
    expect(objects.every((o) => o.metadata.name.startsWith('edge-api'))).toBe(true);
  });

  it('the validator bites: a wrong type or a missing required field is refused', () => {
    const broken = structuredClone(byKind.Deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validate(broken)).toThrow(/containerPort/);
    const noSelector = structuredClone(byKind.Deployment);
    delete noSelector.spec.selector;
    expect(() => validate(noSelector)).toThrow(/selector/);
  });

  it('fits the bundle: port, probes, drain-sized grace period, replicas, routes where the bundle reads them', () => {
    const pod = byKind.Deployment.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('registry.example.com/edge:7');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9090, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http', scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    const env = Object.fromEntries(c.env.map((e: Obj) => [e.name, e.value]));
    expect(env.HGW_DRAIN_DELAY).toBe('5000ms');
    // SIGKILL must not come before the drain delay plus max_shutdown_wait_time are over.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(5 + 20);
    expect(byKind.Deployment.spec.replicas).toBe(3);
    expect(byKind.HorizontalPodAutoscaler.spec.minReplicas).toBe(3);
    expect(byKind.Deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(byKind.PodDisruptionBudget.spec.selector.matchLabels).toEqual(byKind.Deployment.spec.selector.matchLabels);
    expect(byKind.Service.spec.selector).toEqual(byKind.Deployment.spec.selector.matchLabels);
    for (const [k, v] of Object.entries(byKind.Deployment.spec.selector.matchLabels)) expect(byKind.Deployment.spec.template.metadata.labels[k]).toBe(v);
    // The ConfigMap holds the routes file, mounted where GATEWAY_ROUTES_FILE points.
    expect(byKind.ConfigMap.data['routes.yaml']).toBe(readFileSync(routes, 'utf8'));
    const mount = c.volumeMounts.find((m: Obj) => m.name === 'routes');
    expect(env.GATEWAY_ROUTES_FILE).toBe(`${mount.mountPath}/routes.yaml`);
    expect(pod.volumes.find((v: Obj) => v.name === 'routes').configMap.name).toBe(byKind.ConfigMap.metadata.name);
    expect(byKind.Deployment.spec.template.metadata.annotations['hgw.hanzo.ai/routes-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('HTTPS configs get HTTPS probes and a TLS secret; behind enable_mtls the probes fall back to TCP', () => {
    const tls = { keys: [{ public_key: '/etc/hgw/tls/tls.crt', private_key: '/etc/hgw/tls/tls.key' }] };
    const https = buildK8s(base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x' }] }], { tls })).objects;
    for (const o of https) validate(o);
    const c = https.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet.scheme).toBe('HTTPS');
    expect(c.volumeMounts.map((m: Obj) => m.mountPath)).toContain('/etc/hgw/tls');
    const mtls = buildK8s(base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x' }] }], { tls: { ...tls, enable_mtls: true } })).objects;
    for (const o of mtls) validate(o);
    expect(mtls.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0].readinessProbe).toMatchObject({ tcpSocket: { port: 'http' } });
  });

  it('refuses a bad replica count as a usage error', () => {
    writeFileSync(join(work, 'g.json'), JSON.stringify(base([])));
    const r = runHgw(['build', join(work, 'g.json'), '--out', join(work, 'bad'), '--k8s', '--k8s-replicas', '0']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/--k8s-replicas "0"/)]);
  });
});

describe('the bundle Dockerfile', () => {
  it('is node:20-slim, non-root, and its command serves from a copy of dist/ with nothing else beside it', async () => {
    const be = await startServer((_q, res) => res.end('from backend'));
    const { dist } = buildK8s(base([{ endpoint: '/x', output_encoding: 'no-op', backend: [{ url_pattern: '/x', host: [be.url] }] }]));
    const dockerfile = readFileSync(join(dist, 'Dockerfile'), 'utf8');
    expect(dockerfile).toBe(readFileSync(join(ROOT, 'deploy/bundle.Dockerfile'), 'utf8'));
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^COPY \. \/app\/$/m);
    // The image: dist/ copied to /app. Here: a folder outside the repository, so no node_modules can be found.
    const app = mkdtempSync(join(tmpdir(), 'hgw-image-'));
    try {
      cpSync(dist, app, { recursive: true });
      const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
      const [command, ...args] = entrypoint.map((a) => a.replace('/app/', `${app}/`));
      expect(command).toBe('node');
      const gw = spawnWatched(process.execPath, [...args, '-p', '0'], { PATH: process.env.PATH, HGW_DRAIN_DELAY: '0' }, '/');
      try {
        const port = Number((await gw.waitFor(LISTENING))[1]);
        expect((await request(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
        expect((await request(`http://127.0.0.1:${port}/x`)).body).toBe('from backend');
        gw.child.kill('SIGTERM');
        expect(await gw.exited).toBe(0);
      } finally {
        if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
      }
    } finally {
      rmSync(app, { recursive: true, force: true });
      await be.close();
    }
  });
});

describe('the CLI Dockerfile', () => {
  it('copies only what exists and what the CLI needs (sources codegen bundles, schemas, templates), and runs hgw as non-root', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy/cli.Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    const copied = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    for (const path of copied) expect(existsSync(join(ROOT, path)), path).toBe(true);
    for (const needed of ['runtime', 'schemas', 'templates', 'cli', 'bin', 'scripts', 'package-lock.json']) expect(copied).toContain(needed);
    expect(copied.some((p) => /^(test|bench|fixtures|node_modules)/.test(p))).toBe(false);
    expect(JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!)).toEqual(['node', '/opt/hgw/bin/hgw.mjs']);
  });
});

describe('the systemd unit', () => {
  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  it.skipIf(!analyze)('passes systemd-analyze verify', () => {
    const r = spawnSync('systemd-analyze', ['verify', join(ROOT, 'deploy/hgw-gateway.service')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
