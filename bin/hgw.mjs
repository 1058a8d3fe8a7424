#!/usr/bin/env node
// hgw entry point: the CLI is bundled to lib/ by `npm install` (the prepare script).
// A reader that stops early (`hgw rules | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(0);
  throw e;
});
// `hgw run` reloads on SIGHUP: one that arrives while the CLI still loads is kept for it (Node's default exits 129).
if (process.argv[2] === 'run') {
  const early = () => {
    process[Symbol.for('hgw.sighupSeen')] = true;
  };
  process[Symbol.for('hgw.sighupEarly')] = early;
  process.on('SIGHUP', early);
}
try {
  await import('../lib/hgw.mjs');
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('lib/hgw.mjs')) {
    process.stderr.write('hgw: the CLI is not built yet; run `npm install` (or `npm run build:cli`) in the hgw folder.\n');
    process.exit(3);
  }
  throw e;
}
