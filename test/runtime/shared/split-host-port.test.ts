import { describe, expect, it } from 'vitest';
import { hostAndPort, splitHostPort } from '../../../runtime/shared/go/split-host-port.js';

/** Go's net.SplitHostPort, held to the cases of Go's own tests (net/ipsock_test.go). */
describe('splitHostPort (Go net.SplitHostPort)', () => {
  it.each([
    ['www.google.com:80', 'www.google.com', '80'],
    ['127.0.0.1:1234', '127.0.0.1', '1234'],
    ['[::1]:80', '::1', '80'],
    ['[fe80::1%lo0]:80', 'fe80::1%lo0', '80'],
    ['[localhost%lo0]:80', 'localhost%lo0', '80'],
    [':0', '', '0'],
    ['google.com:https%foo', 'google.com', 'https%foo'],
    ['127.0.0.1:', '127.0.0.1', ''],
    ['[www.google.com]:80', 'www.google.com', '80'],
  ])('%s → host %s, port %s', (hostport, host, port) => {
    expect(splitHostPort(hostport)).toEqual({ host, port });
  });

  it.each([
    'www.google.com', // missing port
    '127.0.0.1',
    '[::1]',
    '[fe80::1%lo0]',
    '::1', // too many colons
    'fe80::1%lo0:80',
    '[foo:bar]', // missing port
    '[foo:bar]baz',
    '[foo]bar:baz',
    '[foo]:[bar]:baz', // too many colons
    '[foo]:[bar]baz', // unexpected [
    'foo[bar]:baz',
    'foo]bar:baz', // unexpected ]
    '',
  ])('%s is an error', (hostport) => {
    expect(splitHostPort(hostport)).toBeUndefined();
  });
});

describe('hostAndPort (a listen or dial address)', () => {
  it('takes a decimal port, and an empty host for every interface', () => {
    expect(hostAndPort('127.0.0.1:9998')).toEqual({ host: '127.0.0.1', port: 9998 });
    expect(hostAndPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(hostAndPort(':8081')).toEqual({ host: '', port: 8081 });
  });

  it('refuses what SplitHostPort refuses and ports that are not decimal', () => {
    for (const bad of ['127.0.0.1:', 'localhost:http', 'localhost:-1', 'localhost:8 0', '::1:80', 'localhost']) expect(hostAndPort(bad), bad).toBeUndefined();
  });
});
