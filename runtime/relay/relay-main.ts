import { createLogger } from '../shared/log/logger.js';
import { relayConfigFromEnv } from './relay-config.js';
import { startRelay } from './relay.js';

/**
 * The process of an `hgw build --relay` bundle: the relay configured from the
 * environment, drained on SIGTERM / SIGINT (a second signal exits at once).
 * A relay that cannot start (a bad address, a port in use) exits 1.
 */
export async function relayMain(env: NodeJS.ProcessEnv): Promise<void> {
  const log = createLogger({ level: env.HGW_LOG_LEVEL });
  let relay;
  try {
    relay = await startRelay(relayConfigFromEnv(env), env, log);
  } catch (e) {
    process.stderr.write(`relay: ${(e as Error).message}\n`);
    process.exit(1);
  }
  process.on('uncaughtException', (e) => log.error(`uncaught: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => log.error(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info(`${signal} received: draining (calls in flight finish, new ones get 503)`);
    void relay.drain().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
