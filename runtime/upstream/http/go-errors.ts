/**
 * Transport errors worded as Go's client words them (`Get "http://h/x": dial
 * tcp h: connect: connection refused`), because Lura puts that text in error
 * bodies when return_error_msg is on.
 */
export function goTransportError(method: string, url: string, err: Error & { code?: string }): Error {
  const host = safeHost(url);
  let detail: string;
  switch (err.code) {
    case 'ECONNREFUSED':
      detail = `dial tcp ${host}: connect: connection refused`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      detail = `dial tcp: lookup ${host.replace(/:\d+$/, '')}: no such host`;
      break;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      detail = 'EOF';
      break;
    case 'UND_ERR_CONNECT_TIMEOUT':
      detail = `dial tcp ${host}: i/o timeout`;
      break;
    case 'UND_ERR_HEADERS_TIMEOUT':
      detail = 'net/http: timeout awaiting response headers';
      break;
    default:
      detail = err.message;
  }
  const out = new Error(`${method.charAt(0)}${method.slice(1).toLowerCase()} "${url}": ${detail}`) as Error & { code?: string };
  out.code = err.code;
  return out;
}

function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return u.port ? u.host : `${u.hostname}:${u.protocol === 'https:' ? 443 : 80}`;
  } catch {
    return url;
  }
}
