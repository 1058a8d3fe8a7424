import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { HGW_BIN } from '../../helpers/cli.js';
import { spawnWatched, type Spawned } from '../../helpers/processes.js';

/**
 * Starts `hgw run -d -c <config>` the way the suite starts KrakenD: an
 * environment holding only USAGE_DISABLE=1 (absolute paths, so PATH is not
 * needed). The ports are KrakenD's fixed ones (its expected bodies name
 * localhost:8080 and 127.0.0.1:8081), so the gateway that answers must be
 * proven ours: the port is free before the start, the child itself logs that
 * it listens there with this config's sha256, and `/__health` answers with
 * KrakenD's health body.
 */
export async function startGatewayProcess(config: string, cwd: string, port = 8080, hostMap: string[] = [], profile: 'krakend' | 'hanzo' = 'krakend'): Promise<Spawned> {
  if (await portAnswers(port)) throw new Error(`something already listens on :${port}; the KrakenD CE specs need that port for the gateway`);
  const sha = createHash('sha256').update(readFileSync(config)).digest('hex').slice(0, 12);
  const maps = hostMap.flatMap((m) => ['--host-map', m]);
  // KrakenD's suite describes plain KrakenD CE: the krakend profile. The hanzo profile is run on request, to list what it answers differently.
  const gw = spawnWatched(process.execPath, [HGW_BIN, 'run', '-d', '-c', config, '--profile', profile, '--brand-version', '2.13.8', '-q', ...maps], { USAGE_DISABLE: '1' }, cwd);
  try {
    await gw.waitFor(new RegExp(`listening on port ${port} \\(config sha256 ${sha}\\)`), 30_000);
    const deadline = Date.now() + 10_000;
    while (!(await isOurHealth(port, profile))) {
      if (gw.child.exitCode !== null) throw new Error(`hgw run exited ${gw.child.exitCode}:\n${gw.output()}`);
      if (Date.now() > deadline) throw new Error(`:${port} did not answer the ${profile} profile's health body within 10 s:\n${gw.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return gw;
  } catch (e) {
    await stopGatewayProcess(gw);
    throw e;
  }
}

/** SIGKILL, as KrakenD's harness does, and wait for the exit, so the next suite finds the port free. */
export async function stopGatewayProcess(gw: Spawned | undefined): Promise<void> {
  if (!gw || gw.child.exitCode !== null || gw.child.signalCode !== null) return;
  gw.child.kill('SIGKILL');
  await gw.exited;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * 200 with the profile's own health body, not any 200: `{"agents":{},"now":"…","status":"ok"}` on
 * `/__health` (krakend), `{"status":"ok"}` on `/healthz` (hanzo) — what runtime/core/health.ts writes.
 */
function isOurHealth(port: number, profile: 'krakend' | 'hanzo'): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: profile === 'hanzo' ? '/healthz' : '/__health', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body.length < 4096 ? (body += c) : undefined));
      res.on('end', () => {
        try {
          const b = JSON.parse(body) as { agents?: unknown; now?: unknown; status?: unknown };
          if (profile === 'hanzo') resolve(res.statusCode === 200 && body === '{"status":"ok"}');
          else resolve(res.statusCode === 200 && b.status === 'ok' && typeof b.now === 'string' && typeof b.agents === 'object');
        } catch {
          resolve(false);
        }
      });
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}
