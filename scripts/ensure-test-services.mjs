// The test suite runs a real redis-server (shared read-your-writes pins, cluster-wide rate limits).
// On a fresh machine it is missing: install it from Debian's packages when we can (root), else say how.
import { spawnSync } from 'node:child_process';

const have = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

if (!have('redis-server')) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root) {
    console.error('redis-server is missing and this user cannot install it; run: sudo apt-get install -y redis-server');
    process.exit(1);
  }
  console.log('installing redis-server (Debian package) for the tests…');
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) : update;
  if (install.status !== 0 || !have('redis-server')) {
    console.error('could not install redis-server; the Redis tests will fail');
    process.exit(1);
  }
}
