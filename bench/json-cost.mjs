// CPU cost of the JSON work of a decoding endpoint, per operation, in one process:
// the tree path (parse-json → encode-json), the splice path (canonical-object scan,
// merge of texts) and JSON.parse + JSON.stringify as the peer. Ratios to the peer
// are the figures to compare across machines; µs are information. The runtime's
// TypeScript is bundled on the fly with esbuild (no build of the CLI needed).
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'hgw-json-bench-'));
const out = join(dir, 'json.mjs');
await build({
  stdin: {
    contents: `export * from './runtime/shared/json/parse-json.ts'; export * from './runtime/shared/json/encode-json.ts'; export * from './runtime/shared/json/canonical-object.ts';`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  outfile: out,
  logLevel: 'warning',
});
const { decodeFirstJsonValue, encodeJson, canonicalObject, mergeCanonical } = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

/** A backend-like object: sorted keys (as a Go backend writes a map), ids, prices, text with escapes. */
function doc(items, tag) {
  const list = Array.from({ length: items }, (_, i) => ({
    active: i % 2 === 0,
    id: 1000 + i,
    name: `item ${i} <${tag}> \u00e9`,
    price: Number((i * 1.25).toFixed(2)),
    tags: ['a', 'b', `t${i}`],
  }));
  return { [tag]: { count: items, items: list, next: null } };
}
const canonicalText = (v) => encodeJson(v);
const small = ['a', 'b', 'c'].map((t) => canonicalText(doc(6, t))); // ~1 KB each
const big = canonicalText(doc(260, 'a')); // ~40 KB

function measure(label, fn, minMs = 400) {
  for (let i = 0; i < 200; i++) fn(); // warm up (JIT)
  let n = 0;
  const t0 = process.cpuUsage();
  let used = 0;
  while (used < minMs * 1000) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    const d = process.cpuUsage(t0);
    used = d.user + d.system;
  }
  return { label, usPerOp: used / n };
}

const rows = [];
const add = (r) => rows.push(r);
for (const [name, text] of [['1 KB', small[0]], ['40 KB', big]]) {
  const peer = measure(`${name}: JSON.parse + JSON.stringify (peer)`, () => JSON.stringify(JSON.parse(text)));
  add(peer);
  add({ ...measure(`${name}: tree: decode + encode`, () => encodeJson(decodeFirstJsonValue(text))), peer });
  const parsePeer = measure(`${name}: JSON.parse (peer)`, () => JSON.parse(text));
  add(parsePeer);
  add({ ...measure(`${name}: decode only (parse-json)`, () => decodeFirstJsonValue(text)), peer: parsePeer });
  const tree = decodeFirstJsonValue(text);
  const plain = JSON.parse(text);
  const stringifyPeer = measure(`${name}: JSON.stringify (peer)`, () => JSON.stringify(plain));
  add(stringifyPeer);
  add({ ...measure(`${name}: encode only (encode-json)`, () => encodeJson(tree)), peer: stringifyPeer });
  add({ ...measure(`${name}: splice: canonical scan`, () => canonicalObject(text)), peer });
}
{
  const peer = measure('merge of 3 × 1 KB: JSON.parse ×3 + assign + stringify (peer)', () => JSON.stringify(Object.assign(JSON.parse(small[0]), JSON.parse(small[1]), JSON.parse(small[2]))));
  add(peer);
  add({ ...measure('merge of 3 × 1 KB: tree path', () => encodeJson(Object.assign(decodeFirstJsonValue(small[0]), decodeFirstJsonValue(small[1]), decodeFirstJsonValue(small[2])))), peer });
  add({ ...measure('merge of 3 × 1 KB: splice path (scan ×3 + merge)', () => mergeCanonical([canonicalObject(small[0]), canonicalObject(small[1]), canonicalObject(small[2])]).text), peer });
}

console.log(`JSON cost per operation, CPU µs (Node ${process.version}); ratio = over the peer row above it`);
for (const r of rows) console.log(`  ${r.label.padEnd(62)} ${r.usPerOp.toFixed(2).padStart(9)} µs${r.peer ? `   ${(r.usPerOp / r.peer.usPerOp).toFixed(2)}× peer` : ''}`);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'json-cost.json'), `${JSON.stringify({ node: process.version, sizes: { small: small[0].length, big: big.length }, rows: rows.map((r) => ({ label: r.label, usPerOp: r.usPerOp, ratioToPeer: r.peer ? r.usPerOp / r.peer.usPerOp : 1 })) }, null, 2)}\n`);
