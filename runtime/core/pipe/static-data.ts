import type { ProxyPlan } from '../../plan/plan.js';
import type { JsonObject } from '../../shared/json/json-number.js';
import type { Proxy, ProxyResponse } from './proxy.js';

/**
 * `proxy.static`: when its strategy applies, the configured data is written
 * over the response (a new, incomplete response when there was none). The
 * pipe's error is kept, but with a response present the client gets 200.
 */
export function withStaticData(inner: Proxy, config: NonNullable<ProxyPlan['static']>): Proxy {
  const applies = STRATEGIES[config.strategy] ?? always;
  const data = config.data as JsonObject;
  return (ctx, done) =>
    inner(ctx, (err, res) => {
      if (!applies(err, res)) {
        done(err, res);
        return;
      }
      const merged: ProxyResponse = res ? { ...res, data: Object.assign(res.data, structuredClone(data)) } : { data: structuredClone(data), isComplete: false };
      done(err, merged);
    });
}

type Strategy = (err: Error | null, res: ProxyResponse | null) => boolean;
const always: Strategy = () => true;

const STRATEGIES: Record<string, Strategy> = {
  always,
  success: (err) => err === null,
  errored: (err) => err !== null,
  complete: (err, res) => err === null && res !== null && res.isComplete,
  incomplete: (_err, res) => res === null || !res.isComplete,
};
