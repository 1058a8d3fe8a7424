import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { compileSequential } from '../../../runtime/core/pipe/sequential.js';
import type { Proxy, ProxyContext, ProxyResponse } from '../../../runtime/core/pipe/proxy.js';
import { JsonNumber } from '../../../runtime/shared/json/json-number.js';

/** A backend stand-in that records the context it was called with and answers at once. */
function fake(answer: ProxyResponse | Error, seen: ProxyContext[]): Proxy {
  return (ctx, done) => {
    seen.push({ ...ctx, propagated: { ...ctx.propagated } });
    if (answer instanceof Error) done(answer, null);
    else done(null, { ...answer, data: { ...answer.data } });
    return () => {};
  };
}

const ctx: ProxyContext = { req: {} as IncomingMessage, params: [], rawQuery: '', body: false };

function run(p: Proxy): Promise<{ err: Error | null; res: ProxyResponse | null }> {
  return new Promise((resolve) => p(ctx, (err, res) => resolve({ err, res })));
}

describe('sequential proxy', () => {
  it('hands later backends the earlier data and the propagated params (resp0 = raw no-op body)', async () => {
    const seen: ProxyContext[] = [];
    const pipe = compileSequential(
      [
        fake({ data: {}, isComplete: true, raw: Buffer.from('{"message":"pong"}') }, seen),
        fake({ data: { user: { id: new JsonNumber('9007199254740993') } }, isComplete: true }, seen),
        fake({ data: { done: true }, isComplete: true }, seen),
      ],
      1000,
      ['resp0', 'resp1_user.id', 'resp1_missing'],
    );
    const { err, res } = await run(pipe);
    expect(err).toBeNull();
    expect(res).toEqual({ data: { user: { id: new JsonNumber('9007199254740993') }, done: true }, isComplete: true });
    expect(seen[1]!.propagated).toEqual({ Resp0: '{"message":"pong"}' });
    expect(seen[2]!.propagated).toEqual({ Resp0: '{"message":"pong"}', 'Resp1_user.id': '9007199254740993' });
    expect(seen[2]!.responses?.[1]).toEqual({ user: { id: new JsonNumber('9007199254740993') } });
  });

  it('fails when backend 0 fails, and stops with partial data when a later one does', async () => {
    const first = await run(compileSequential([fake(new Error('boom'), []), fake({ data: { b: 1 }, isComplete: true }, [])], 1000));
    expect([first.err?.message, first.res]).toEqual(['boom', null]);
    const seen: ProxyContext[] = [];
    const later = await run(compileSequential([fake({ data: { a: 1 }, isComplete: true }, seen), fake(new Error('late'), seen), fake({ data: { c: 1 }, isComplete: true }, seen)], 1000));
    expect(later.res).toEqual({ data: { a: 1 }, isComplete: false });
    expect(seen).toHaveLength(2);
  });
});
