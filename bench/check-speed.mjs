// Wall time of `hgw check` on the 193-endpoint production config, median of N runs,
// next to a peer doing the least a schema lint can do in Node: load KrakenD's own
// v2.13 schema with Ajv (2019-09), compile it and validate the same file — what
// `krakend check --lint` does in Go. Prints figures and the ratio; target: hgw < 500 ms.
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = join(root, 'fixtures', 'real-configs', 'hanzo-gateway.json');
const krakendSchema = join(root, 'fixtures', 'krakend-schema', 'krakend.json');
const runs = Number(process.env.RUNS ?? 5);

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return ms;
}

const peer = `
  const { readFileSync } = require('node:fs');
  const Ajv2019 = require('ajv/dist/2019').default;
  const ajv = new Ajv2019({ strict: false, unicodeRegExp: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(${JSON.stringify(krakendSchema)}, 'utf8')));
  validate(JSON.parse(readFileSync(${JSON.stringify(config)}, 'utf8')));
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hgw = [];
const ajvPeer = [];
time(['bin/hgw.mjs', 'check', '-q', config]); // warm the file cache
for (let i = 0; i < runs; i++) {
  // Interleaved, so machine noise hits both alike.
  hgw.push(time(['bin/hgw.mjs', 'check', '-q', config]));
  ajvPeer.push(time(['-e', peer]));
}
const result = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  runs,
  hgwCheckMs: { median: median(hgw), min: Math.min(...hgw), max: Math.max(...hgw) },
  krakendSchemaAjvMs: { median: median(ajvPeer), min: Math.min(...ajvPeer), max: Math.max(...ajvPeer) },
};
const ratio = result.hgwCheckMs.median / result.krakendSchemaAjvMs.median;
const f = (x) => x.toFixed(0).padStart(5);
console.log(`hgw check, 193-endpoint hanzo-gateway.json, ${runs} runs (wall ms, whole process)`);
console.log(`  hgw check (schema + lint)          median ${f(result.hgwCheckMs.median)}   min ${f(result.hgwCheckMs.min)}   max ${f(result.hgwCheckMs.max)}`);
console.log(`  peer: ajv + KrakenD schema only    median ${f(result.krakendSchemaAjvMs.median)}   min ${f(result.krakendSchemaAjvMs.min)}   max ${f(result.krakendSchemaAjvMs.max)}`);
console.log(`  ratio hgw/peer ${ratio.toFixed(2)}   target: hgw median < 500 ms → ${result.hgwCheckMs.median < 500 ? 'MET' : 'MISSED'}`);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'check-speed.json'), `${JSON.stringify({ ...result, ratio }, null, 2)}\n`);
