import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DRAIN_DELAY_MS, type Plan } from '../../runtime/plan/plan.js';
import { HgwError } from '../errors.js';
import { packageRoot } from '../validate/schemas.js';
import { k8sManifests, k8sName, renderManifests } from './k8s-manifests.js';

/**
 * What `hgw build --k8s` adds to dist/: `k8s/gateway.yaml` (the objects of
 * k8s-manifests.ts) and `Dockerfile` (deploy/bundle.Dockerfile, whose build
 * context is dist/ itself). Same input, same bytes, like the rest of a build.
 */
export interface DeployOptions {
  image?: string;
  replicas?: string;
  name?: string;
  /** The routes.yaml the build was given, for the ConfigMap. */
  routes?: string;
}

export function deployFiles(plan: Plan, o: DeployOptions, hgwVersion: string): Map<string, string> {
  const replicas = o.replicas === undefined ? 2 : Number(o.replicas);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 100) throw new HgwError('HGW_USAGE', `--k8s-replicas ${JSON.stringify(o.replicas)}: want a whole number from 1 to 100`);
  const name = k8sName(o.name ?? plan.service.name);
  const routesYaml = o.routes === undefined ? undefined : readFileSync(o.routes, 'utf8');
  const objects = k8sManifests(plan, {
    name,
    image: o.image ?? `${name}:latest`,
    replicas,
    drainDelayMs: DEFAULT_DRAIN_DELAY_MS,
    ...(routesYaml === undefined ? {} : { routesYaml, routesSha256: createHash('sha256').update(routesYaml).digest('hex') }),
  });
  return new Map([
    ['k8s/gateway.yaml', renderManifests(objects, `Kubernetes objects for ${name}, written by hgw ${hgwVersion} build --k8s. Apply: kubectl apply -f k8s/gateway.yaml`)],
    ['Dockerfile', readFileSync(join(packageRoot(), 'deploy/bundle.Dockerfile'), 'utf8')],
  ]);
}
