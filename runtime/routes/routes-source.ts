import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { MiddlewareDeps } from '../core/middleware.js';
import type { RoutesPlan } from '../plan/plan.js';
import { fetchKmsSecret, kmsSettings } from './kms-routes.js';
import { routesPlan } from './routes-plan.js';

/**
 * Where a replacement routes table comes from, as the Go gateway reads it:
 * Hanzo KMS (`GATEWAY_ROUTES_KMS_PATH`), else `GATEWAY_ROUTES_FILE`. It is
 * read at start-up and again on SIGHUP and handed to `use`; a source that
 * does not load — or a table `use` refuses by throwing — leaves the table in
 * use as it was, with a warning (Go serves an empty one). Returns whether a
 * source is configured.
 */
export function watchRoutesSource(deps: MiddlewareDeps, use: (plan: RoutesPlan, from: string, why: string) => void): boolean {
  const kmsPath = deps.env.GATEWAY_ROUTES_KMS_PATH;
  const file = deps.env.GATEWAY_ROUTES_FILE;
  let reload: (why: string) => void;
  if (kmsPath) {
    const settings = kmsSettings(deps.env);
    reload = (why) => {
      fetchKmsSecret(settings, kmsPath).then(
        (text) => {
          try {
            use(routesPlan(parseYaml(text)), `KMS ${kmsPath}`, why);
          } catch (e) {
            deps.log.warn(`host routing: kms routes payload invalid: ${(e as Error).message}; the table in use stays`);
          }
        },
        (e: Error) => deps.log.warn(`host routing: failed to fetch routes from KMS path ${kmsPath}: ${e.message}; the table in use stays`),
      );
    };
  } else if (file) {
    reload = (why) => {
      try {
        use(routesPlan(parseYaml(readFileSync(file, 'utf8'))), file, why);
      } catch (e) {
        deps.log.warn(`host routing: ${file} did not load (${(e as Error).message}); the table in use stays`);
      }
    };
  } else {
    return false;
  }
  reload('loaded');
  const onHup = () => reload('reloaded');
  process.on('SIGHUP', onHup);
  deps.atClose?.(async () => {
    process.off('SIGHUP', onHup);
  });
  return true;
}
