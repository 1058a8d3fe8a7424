import { relative } from 'node:path';
import { buildFromPlan } from '../pipeline.js';
import { writeAtomically } from '../bundle/atomic-output.js';
import { hgwVersion } from '../version.js';
import { EXIT, type Io } from './check.js';
import { checkedPlan, hostMapOption, type InputOptions } from './checked-plan.js';

export interface BuildCommandOptions extends InputOptions {
  out: string;
  brand: string;
  brandVersion?: string;
  hostMap?: string[];
  minify: boolean;
}

export { DEFAULT_BRAND } from './option-defaults.js';

/** `hgw build`: check, then write dist/ (gateway.mjs, map, entry.ts, manifest.json) atomically. */
export async function runBuild(positional: string | undefined, opts: BuildCommandOptions, io: Io): Promise<number> {
  const started = process.hrtime.bigint();
  const hostMap = hostMapOption(opts.hostMap);
  const checked = checkedPlan(positional, opts, io);
  if ('exit' in checked) return checked.exit;
  const built = await buildFromPlan(checked.plan, {
    hgwVersion: hgwVersion(),
    brand: { name: opts.brand, version: opts.brandVersion ?? hgwVersion() },
    hostMap,
    minify: opts.minify,
  });
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

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
