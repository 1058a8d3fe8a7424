import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEntry, BUNDLE_NAME } from './bundle-entry.js';

/**
 * `hgw build --relay`: templates/relay-entry.ts bundled as it is (the relay
 * reads everything from the environment), plus entry.ts and a manifest that
 * says what was built.
 */
export async function buildRelayFiles(packageRoot: string, opts: { hgwVersion: string; minify: boolean }): Promise<Map<string, Uint8Array | string>> {
  const entry = readFileSync(join(packageRoot, 'templates', 'relay-entry.ts'), 'utf8');
  const bundle = await bundleEntry(entry, packageRoot, { minify: opts.minify });
  const files = new Map<string, Uint8Array | string>(bundle.files);
  files.set('entry.ts', entry);
  const manifest = {
    schema: 'hgw-manifest/1',
    kind: 'relay',
    hgw: { version: opts.hgwVersion },
    options: { minify: opts.minify, format: 'esm', target: 'node20' },
    outputs: { [BUNDLE_NAME]: { bytes: bundle.files.get(BUNDLE_NAME)?.byteLength ?? 0 } },
  };
  files.set('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  return files;
}
