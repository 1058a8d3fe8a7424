// Wall time of `hgw check` on the 193-endpoint production config, median of N runs,
// next to a peer measured in the same run: KrakenD's own v2.13 schema compiled the
// way hgw compiles its schemas (Ajv standalone code, ahead of time, same Ajv
// options), loaded by a fresh Node process that parses and validates the same file —
// the least a schema lint can cost in Node. The verdict is the ratio hgw / peer;
// absolute times are information only (they move with the machine, the ratio less).
// A second peer compiles KrakenD's schema at run time, for information.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = join(root, 'fixtures', 'real-configs', 'hanzo-gateway.json');
const krakendSchema = join(root, 'fixtures', 'krakend-schema', 'krakend.json');
const runs = Number(process.env.RUNS ?? 5);
/** hgw check may cost this much more than a bare schema check: it parses with positions, lints and reports. */
const MAX_RATIO = 2;

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return ms;
}

// hgw's options (cli/validate/ajv-setup.ts) plus what KrakenD's schema needs: the 2019-09 dialect and
// patterns that are not valid under the `u` flag.
const ajvOptions = { allErrors: true, strict: false, verbose: true, unicodeRegExp: false };
const require = createRequire(import.meta.url);
// Inside the repo (git-ignored), so the standalone code's require('ajv/dist/runtime/…') finds node_modules.
mkdirSync(join(root, '.hgw-tmp'), { recursive: true });
const work = mkdtempSync(join(root, '.hgw-tmp', 'bench-check-'));
const precompiled = join(work, 'krakend-validator.cjs');
{
  const Ajv2019 = require('ajv/dist/2019').default;
  const standaloneCode = require('ajv/dist/standalone').default;
  const ajv = new Ajv2019({ ...ajvOptions, code: { source: true } });
  writeFileSync(precompiled, standaloneCode(ajv, ajv.compile(JSON.parse((await import('node:fs')).readFileSync(krakendSchema, 'utf8')))));
}
const fail = `if (!ok && !Array.isArray(v.errors)) process.exit(3);`; // both peers must really have validated
const precompiledPeer = `
  const { readFileSync } = require('node:fs');
  const v = require(${JSON.stringify(precompiled)});
  const ok = v(JSON.parse(readFileSync(${JSON.stringify(config)}, 'utf8'))); ${fail}
`;
const runtimePeer = `
  const { readFileSync } = require('node:fs');
  const Ajv2019 = require('ajv/dist/2019').default;
  const v = new Ajv2019(${JSON.stringify(ajvOptions)}).compile(JSON.parse(readFileSync(${JSON.stringify(krakendSchema)}, 'utf8')));
  const ok = v(JSON.parse(readFileSync(${JSON.stringify(config)}, 'utf8'))); ${fail}
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const hgw = [];
const peer = [];
const compiling = [];
time(['bin/hgw.mjs', 'check', '-q', config]); // warm the file cache
time(['-e', precompiledPeer]);
for (let i = 0; i < runs; i++) {
  // Interleaved, so machine noise hits all alike.
  hgw.push(time(['bin/hgw.mjs', 'check', '-q', config]));
  peer.push(time(['-e', precompiledPeer]));
  compiling.push(time(['-e', runtimePeer]));
}
rmSync(work, { recursive: true, force: true });

const result = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  runs,
  hgwCheckMs: stats(hgw),
  peerPrecompiledKrakendSchemaMs: stats(peer),
  infoKrakendSchemaCompiledAtRunTimeMs: stats(compiling),
};
const ratio = result.hgwCheckMs.median / result.peerPrecompiledKrakendSchemaMs.median;
const verdict = { ratio, maxRatio: MAX_RATIO, met: ratio <= MAX_RATIO };
const f = (x) => x.toFixed(0).padStart(5);
const row = (name, s) => console.log(`  ${name.padEnd(52)} median ${f(s.median)}   min ${f(s.min)}   max ${f(s.max)}`);
console.log(`hgw check, 193-endpoint hanzo-gateway.json, ${runs} runs (wall ms, whole process; information only)`);
row('hgw check (parse with positions, schema, lint)', result.hgwCheckMs);
row('peer: KrakenD schema, Ajv standalone, precompiled', result.peerPrecompiledKrakendSchemaMs);
row('info: KrakenD schema compiled by Ajv at run time', result.infoKrakendSchemaCompiledAtRunTimeMs);
console.log(`verdict: hgw / peer = ${ratio.toFixed(2)} (budget ≤ ${MAX_RATIO}) → ${verdict.met ? 'met' : 'missed'}`);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'check-speed.json'), `${JSON.stringify({ ...result, verdict }, null, 2)}\n`);
