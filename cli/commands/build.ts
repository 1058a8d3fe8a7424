import { relative } from 'node:path';
import { buildFromPlan } from '../pipeline.js';
import { checkOutDir, writeAtomically } from '../bundle/atomic-output.js';
import { hgwVersion } from '../version.js';
import { deployFiles } from '../deploy/deploy-files.js';
import { EXIT, type Io } from './check.js';
import { checkedPlan, hostMapOption, type InputOptions } from './checked-plan.js';
import { buildRelayFiles } from '../bundle/relay-build.js';
import { packageRoot } from '../validate/schemas.js';
import { HgwError } from '../errors.js';

export interface BuildCommandOptions extends InputOptions {
  out: string;
  brand: string;
  brandVersion?: string;
  hostMap?: string[];
  minify: boolean;
  /** Build the HIP-0110 relay instead of a gateway config (no config). */
  relay?: boolean;
  /** Also write k8s/gateway.yaml and a Dockerfile into the output. */
  k8s?: boolean;
  k8sImage?: string;
  k8sReplicas?: string;
  k8sName?: string;
}

export { DEFAULT_BRAND } from './option-defaults.js';

/** `hgw build`: check, then write dist/ (gateway.mjs, map, entry.ts, manifest.json) atomically. */
export async function runBuild(positional: string | undefined, opts: BuildCommandOptions, io: Io): Promise<number> {
  const started = process.hrtime.bigint();
  if (opts.relay) return runRelayBuild(positional, opts, io, started);
  const hostMap = hostMapOption(opts.hostMap);
  const checked = checkedPlan(positional, opts, io);
  if ('exit' in checked) return checked.exit;
  checkOutDir(opts.out); // a usage error before a second of building
  const progress = progressReporter(checked.plan.endpoints.length, started, io, opts.quiet);
  const built = await buildFromPlan(checked.plan, {
    progress,
    hgwVersion: hgwVersion(),
    brand: { name: opts.brand, version: opts.brandVersion ?? hgwVersion() },
    hostMap,
    minify: opts.minify,
  });
  progress?.(`writing ${opts.out}`);
  if (opts.k8s) for (const [name, text] of deployFiles(built.plan, { image: opts.k8sImage, replicas: opts.k8sReplicas, name: opts.k8sName, routes: opts.routes }, hgwVersion())) built.files.set(name, text);
  writeAtomically(opts.out, built.files);
  const m = built.manifest;
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  const out = relative(process.cwd(), opts.out) || '.';
  io.stdout.write(
    `built ${out}/gateway.mjs: ${built.plan.ingress ? `ingress of ${built.plan.ingress.hosts.length} host(s)` : `${m.config.endpoints} endpoint(s)`}, ${kb(m.outputs['gateway.mjs']?.bytes ?? 0)} ` +
      `(hgw runtime ${kb(m.linked.runtimeBytes)}, packages ${m.linked.packages.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ') || 'none'}) in ${ms} ms\n`,
  );
  for (const feature of m.unimplemented) io.stderr.write(`warning: ${feature} is configured but not enforced by hgw ${hgwVersion()}\n`);
  return EXIT.ok;
}

/** From this many endpoints a build takes seconds (2,000: ~8 s), so it says what it is doing on stderr. */
export const PROGRESS_FROM_ENDPOINTS = 500;

/** Above the tested size (README "Size limits") a build may take minutes and gigabytes: said before it starts. */
export const TESTED_ENDPOINTS = 5_000;

function progressReporter(endpoints: number, started: bigint, io: Io, quiet: boolean | undefined): ((stage: string) => void) | undefined {
  if (endpoints > TESTED_ENDPOINTS) {
    io.stderr.write(`hgw: warning: ${endpoints} endpoints is more than the ${TESTED_ENDPOINTS} hgw build is tested with; expect a long build and a large bundle (README "Size limits")\n`);
  }
  if (quiet || endpoints < PROGRESS_FROM_ENDPOINTS) return undefined;
  return (stage) => io.stderr.write(`hgw: ${stage}… (${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms)\n`);
}

/** `hgw build --relay`: the relay bundle, which takes no config. */
async function runRelayBuild(positional: string | undefined, opts: BuildCommandOptions, io: Io, started: bigint): Promise<number> {
  if (positional || opts.config || opts.routes || opts.ingress) throw new HgwError('HGW_USAGE', 'the relay takes no config: give --relay alone (it reads its settings from the environment)');
  const files = await buildRelayFiles(packageRoot(), { hgwVersion: hgwVersion(), minify: opts.minify });
  writeAtomically(opts.out, files);
  const out = relative(process.cwd(), opts.out) || '.';
  io.stdout.write(`built ${out}/gateway.mjs: HIP-0110 relay, ${kb((files.get('gateway.mjs') as Uint8Array | undefined)?.byteLength ?? 0)} in ${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms\n`);
  return EXIT.ok;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
