import { createHash } from 'node:crypto';
import { resolve, sep } from 'node:path';
import type { Metafile } from 'esbuild';
import type { Plan } from '../../runtime/plan/plan.js';
import { BUNDLE_NAME, ENTRY_FILE } from './bundle-entry.js';

/**
 * dist/manifest.json: what was built from what. Everything in it is derived
 * from the inputs (no timestamps, no absolute paths), so it is as
 * deterministic as the bundle it describes.
 */
export const MANIFEST_SCHEMA = 'hgw-manifest/1';

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  hgw: { version: string };
  brand: { name: string; version: string };
  config: { file: string; sha256: string; endpoints: number };
  /** The gateway the bundle is (hanzo engine or plain KrakenD) and why. */
  profile: Plan['service']['profile'];
  options: { minify: boolean; format: 'esm'; target: 'node20'; hostMap: Record<string, string> };
  /** Plan module ids the config uses. */
  modules: string[];
  /** Config features present but not enforced by this hgw version. */
  unimplemented: string[];
  /** What esbuild put in the bundle, bytes in the output: the generated entry (config data), hgw's runtime files, npm packages. */
  linked: {
    entryBytes: number;
    runtime: Array<{ file: string; bytes: number }>;
    packages: Array<{ name: string; bytes: number }>;
    runtimeBytes: number;
    packageBytes: number;
  };
  outputs: Record<string, { bytes: number; sha256: string }>;
}

export interface ManifestInput {
  plan: Plan;
  configFile: string;
  hgwVersion: string;
  brand: { name: string; version: string };
  minify: boolean;
  hostMap: Record<string, string>;
  unimplemented: string[];
  metafile: Metafile;
  /** Where esbuild ran: the metafile's paths are relative to it. */
  packageRoot: string;
  files: Map<string, Uint8Array>;
}

export function buildManifest(input: ManifestInput): Manifest {
  const output = Object.entries(input.metafile.outputs).find(([path]) => path.endsWith(`/${BUNDLE_NAME}`) || path === BUNDLE_NAME);
  if (!output) throw new Error(`esbuild metafile has no ${BUNDLE_NAME} output`);
  const runtime: Array<{ file: string; bytes: number }> = [];
  const packages = new Map<string, number>();
  let entryBytes = 0;
  for (const [path, info] of Object.entries(output[1].inputs)) {
    const pkg = packageOf(path, input.packageRoot);
    if (path === ENTRY_FILE) entryBytes = info.bytesInOutput;
    else if (pkg) packages.set(pkg, (packages.get(pkg) ?? 0) + info.bytesInOutput);
    else runtime.push({ file: path, bytes: info.bytesInOutput });
  }
  runtime.sort((a, b) => (a.file < b.file ? -1 : 1));
  const pkgList = [...packages].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, bytes]) => ({ name, bytes }));
  const outputs: Manifest['outputs'] = {};
  for (const name of [...input.files.keys()].sort()) {
    const bytes = input.files.get(name)!;
    outputs[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return {
    schema: MANIFEST_SCHEMA,
    hgw: { version: input.hgwVersion },
    brand: input.brand,
    config: { file: input.configFile, sha256: input.plan.source.sha256, endpoints: input.plan.endpoints.length },
    profile: input.plan.service.profile,
    options: { minify: input.minify, format: 'esm', target: 'node20', hostMap: input.hostMap },
    modules: input.plan.modules,
    unimplemented: input.unimplemented,
    linked: {
      entryBytes,
      runtime,
      packages: pkgList,
      runtimeBytes: runtime.reduce((n, r) => n + r.bytes, 0),
      packageBytes: pkgList.reduce((n, p) => n + p.bytes, 0),
    },
    outputs,
  };
}

/**
 * `node_modules/@scope/name/lib/x.js` → `@scope/name`; hgw's own files → undefined. When hgw is itself
 * installed in a node_modules folder its dependencies are siblings (`../undici/…`), so a path that climbs
 * out of the package root is read as the absolute path it names.
 */
export function packageOf(path: string, packageRoot?: string): string | undefined {
  if (packageRoot !== undefined && path.startsWith('../')) path = resolve(packageRoot, path).split(sep).join('/');
  const at = path.lastIndexOf('node_modules/');
  if (at === -1) return undefined;
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}
