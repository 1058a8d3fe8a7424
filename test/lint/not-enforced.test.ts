import { describe, expect, it } from 'vitest';
import { base, checkGateway, planOf } from '../helpers/check.js';

/**
 * Nothing a user configures is dropped in silence (issue 17 point 3): settings and namespaces hgw does not
 * enforce are warnings at their position, named by the same classification the build links by.
 */
describe('not-enforced', () => {
  const config = base(
    [{ endpoint: '/a', backend: [{ url_pattern: '/a', extra_config: { 'backend/lambda': { function_name: 'f' } } }], extra_config: { proxy: { combiner: 'mine' } } }],
    { write_timeout: '10s', disable_keep_alives: true, extra_config: { 'telemetry/influx': { address: 'http://influx:8086', ttl: '25s', buffer_size: 0 } } },
  );

  it('reports each setting and namespace at its position, as a warning', () => {
    const found = checkGateway(config).filter((d) => d.ruleId === 'not-enforced');
    expect(found.map((d) => [d.pointer, d.severity])).toEqual([
      ['/write_timeout', 'warning'],
      ['/disable_keep_alives', 'warning'],
      ['/extra_config/telemetry~1influx', 'warning'],
      ['/endpoints/0/extra_config/proxy/combiner', 'warning'],
      ['/endpoints/0/backend/0/extra_config/backend~1lambda', 'warning'],
    ]);
    expect(found[0]!.message).toMatch(/^write_timeout is set but hgw does not enforce it/);
  });

  it('agrees with the build: the same features are in the Plan as modules without a runtime', () => {
    const modules = planOf(config).modules;
    expect(modules).toEqual(expect.arrayContaining(['setting/write_timeout', 'setting/disable_keep_alives', 'setting/proxy.combiner', 'telemetry/influx', 'backend/lambda']));
  });

  it('says nothing of values that change nothing, or of namespaces hgw enforces', () => {
    const quiet = base([{ endpoint: '/a', backend: [{ url_pattern: '/a', extra_config: { 'qos/circuit-breaker': { interval: 60, timeout: 10, max_errors: 1 } } }] }], {
      disable_keep_alives: false,
      max_idle_connections: 0,
      extra_config: { 'security/bot-detector': { deny: ['x'] } },
    });
    expect(checkGateway(quiet).filter((d) => d.ruleId === 'not-enforced')).toEqual([]);
  });
});
