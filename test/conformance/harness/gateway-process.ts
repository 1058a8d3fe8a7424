import { request } from 'node:http';
import { HGW_BIN } from '../../helpers/cli.js';
import { spawnWatched, type Spawned } from '../../helpers/processes.js';

/**
 * Starts `hgw run -d -c <config>` the way the suite starts KrakenD: an
 * environment holding only USAGE_DISABLE=1 (absolute paths, so PATH is not
 * needed), and waits for `/__health` instead of sleeping.
 */
export async function startGatewayProcess(config: string, cwd: string, port = 8080, hostMap: string[] = []): Promise<Spawned> {
  const maps = hostMap.flatMap((m) => ['--host-map', m]);
  const gw = spawnWatched(process.execPath, [HGW_BIN, 'run', '-d', '-c', config, '--brand-version', '2.13.8', '-q', ...maps], { USAGE_DISABLE: '1' }, cwd);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gw.child.exitCode !== null) throw new Error(`hgw run exited ${gw.child.exitCode}:\n${gw.output()}`);
    if (await healthy(port)) return gw;
    await new Promise((r) => setTimeout(r, 50));
  }
  gw.child.kill('SIGKILL');
  throw new Error(`hgw run did not answer /__health on :${port} within 30 s:\n${gw.output()}`);
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/__health', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}
