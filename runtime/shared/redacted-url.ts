/** A store URL fit for log lines: the password hidden (`redis://:***@host:6379/0`). */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return 'redis';
  }
}
