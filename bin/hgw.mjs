#!/usr/bin/env node
// hgw entry point: the CLI is bundled to lib/ by `npm install` (the prepare script).
// A reader that stops early (`hgw rules | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(0);
  throw e;
});
try {
  await import('../lib/hgw.mjs');
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('lib/hgw.mjs')) {
    process.stderr.write('hgw: the CLI is not built yet; run `npm install` (or `npm run build:cli`) in the hgw folder.\n');
    process.exit(3);
  }
  throw e;
}
