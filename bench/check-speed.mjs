// Start-up cost of the CLI, as ratios to peers timed in the same run (interleaved
// rounds, medians), so a loaded or slower machine moves both sides alike:
//   - `hgw --version` and `hgw check` on the 193-endpoint production config, each
//     over `node -e 0` (Node's own start-up: the floor any JS CLI pays);
//   - `hgw check` over the least a schema lint can do in Node: load KrakenD's
//     v2.13 schema with Ajv (2019-09), compile it and validate the same file —
//     what `krakend check --lint` does in Go.
// CPU time (user+sys of the child, from /usr/bin/time when present) is the figure to
// decide by on a shared machine; wall times are printed as information only.
// Targets (issue 16): check < 500 ms, --version < 150 ms.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = join(root, 'fixtures', 'real-configs', 'hanzo-gateway.json');
const krakendSchema = join(root, 'fixtures', 'krakend-schema', 'krakend.json');
const runs = Number(process.env.RUNS ?? 5);
const hgwBin = process.env.HGW_BIN ?? 'bin/hgw.mjs';
const TIME = '/usr/bin/time';
const haveTime = existsSync(TIME);

/** One run: wall ms, and CPU ms of the child when /usr/bin/time can report it. */
function time(args) {
  const t0 = process.hrtime.bigint();
  const r = haveTime
    ? spawnSync(TIME, ['-f', '\n@cpu %U %S', process.execPath, ...args], { cwd: root, encoding: 'utf8' })
    : spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  const m = haveTime ? /@cpu ([\d.]+) ([\d.]+)/.exec(r.stderr) : null;
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

const peer = `
  const { readFileSync } = require('node:fs');
  const Ajv2019 = require('ajv/dist/2019').default;
  const ajv = new Ajv2019({ strict: false, unicodeRegExp: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(${JSON.stringify(krakendSchema)}, 'utf8')));
  validate(JSON.parse(readFileSync(${JSON.stringify(config)}, 'utf8')));
`;

const subjects = {
  nodeStartup: ['-e', '0'],
  hgwVersion: [hgwBin, '--version'],
  hgwCheck: [hgwBin, 'check', '-q', config],
  krakendSchemaAjv: ['-e', peer],
};
const samples = Object.fromEntries(Object.keys(subjects).map((k) => [k, { wall: [], cpu: [] }]));
for (const args of Object.values(subjects)) time(args); // warm the file cache
for (let i = 0; i < runs; i++) {
  // Interleaved, so machine noise hits every subject alike.
  for (const [name, args] of Object.entries(subjects)) {
    const t = time(args);
    samples[name].wall.push(t.wall);
    samples[name].cpu.push(t.cpu);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const figures = Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, { wallMs: stats(s.wall), cpuMs: haveTime ? stats(s.cpu) : null }]));
const metric = haveTime ? 'cpuMs' : 'wallMs';
const ratio = (a, b) => figures[a][metric].median / figures[b][metric].median;
const ratios = {
  versionOverNode: ratio('hgwVersion', 'nodeStartup'),
  checkOverNode: ratio('hgwCheck', 'nodeStartup'),
  checkOverAjvPeer: ratio('hgwCheck', 'krakendSchemaAjv'),
};

const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-').padStart(5);
const row = (label, k) => {
  const c = figures[k].cpuMs;
  const w = figures[k].wallMs;
  return `  ${label.padEnd(34)} cpu ${c ? `${f(c.median)} (${f(c.min)}–${f(c.max)})` : '   -'}   wall ${f(w.median)} (${f(w.min)}–${f(w.max)})`;
};
console.log(`hgw start-up, ${runs} interleaved runs, ms (medians, min–max; ratios by ${haveTime ? 'CPU time' : 'wall time'})`);
console.log(row('node -e 0 (peer: Node start-up)', 'nodeStartup'));
console.log(row('hgw --version', 'hgwVersion'));
console.log(row('hgw check, 193 endpoints', 'hgwCheck'));
console.log(row('peer: ajv + KrakenD schema only', 'krakendSchemaAjv'));
console.log(`  --version / node -e 0   ${ratios.versionOverNode.toFixed(2)}`);
console.log(`  check / node -e 0       ${ratios.checkOverNode.toFixed(2)}`);
console.log(`  check / ajv peer        ${ratios.checkOverAjvPeer.toFixed(2)}`);
const v = figures.hgwVersion[metric].median;
const c = figures.hgwCheck[metric].median;
console.log(`  targets (absolute, information): check < 500 ms → ${c < 500 ? 'met' : 'missed'}; --version < 150 ms → ${v < 150 ? 'met' : 'missed'}`);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'check-speed.json'),
  `${JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version, load: (await import('node:os')).loadavg() }, runs, metric, figures, ratios }, null, 2)}\n`,
);
