import { describe, expect, it } from 'vitest';
import { Router } from '../../runtime/core/router.js';

function table(): Router<string> {
  const r = new Router<string>();
  r.add('GET', '/users/:id', 'get-user');
  r.add('GET', '/users/new', 'new-user');
  r.add('POST', '/users/new', 'create-user');
  r.add('GET', '/users/:id/orders/:order', 'order');
  r.add('GET', '/', 'root');
  r.add('DELETE', '/users/:id', 'delete-user');
  r.add('GET', '/files/', 'files-slash');
  return r;
}

describe('Router', () => {
  it('prefers a static segment over a param, as gin does', () => {
    expect(table().find('GET', '/users/new')).toEqual({ kind: 'found', handler: 'new-user', params: [] });
    expect(table().find('GET', '/users/42')).toEqual({ kind: 'found', handler: 'get-user', params: ['42'] });
  });

  it('collects params in route order and matches the root', () => {
    expect(table().find('GET', '/users/7/orders/x-1')).toEqual({ kind: 'found', handler: 'order', params: ['7', 'x-1'] });
    expect(table().find('GET', '/')).toEqual({ kind: 'found', handler: 'root', params: [] });
  });

  it('keeps one tree per method: a POST-only static path does not shadow a GET param route', () => {
    const r = new Router<string>();
    r.add('GET', '/users/:id', 'get-user');
    r.add('POST', '/users/new', 'create-user');
    expect(r.find('GET', '/users/new')).toEqual({ kind: 'found', handler: 'get-user', params: ['new'] });
  });

  it('answers 405 with the sorted methods that match, 404 when none does', () => {
    expect(table().find('PUT', '/users/9')).toEqual({ kind: 'method-not-allowed', allowed: ['DELETE', 'GET'] });
    expect(table().find('GET', '/nothing/here')).toEqual({ kind: 'not-found' });
  });

  it('does not let a param match an empty segment, and tells /files from /files/', () => {
    expect(table().find('GET', '/users/')).toEqual({ kind: 'not-found' });
    expect(table().find('GET', '/files/').kind).toBe('found');
    expect(table().find('GET', '/files').kind).toBe('not-found');
  });

  it('refuses conflicting params and duplicate routes', () => {
    const r = new Router<string>();
    r.add('GET', '/a/:id', 'x');
    expect(() => r.add('GET', '/a/:name/b', 'y')).toThrow(/conflicts/);
    expect(() => r.add('GET', '/a/:id', 'z')).toThrow(/already registered/);
  });
});
