import { main } from './main.js';
import { hgwBugsUrl } from './version.js';

// The process entry: real stdio, real env, and an exit code that always reaches the shell.
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`hgw: internal error: ${String(e)}\nThis is a bug in hgw; please report it at ${hgwBugsUrl()}.\n`);
    process.exitCode = 3;
  },
);
