// The peers that are not Node programs: nginx, HAProxy and Caddy, each configured as a
// plain reverse proxy in front of the benchmark's backend, as one would run it for
// pass-through: one worker (the suite pins it to one CPU), kept-alive upstream
// connections (up to 128 idle, like nginx's `keepalive 128`), no access log, server-sent
// events passed on as they come. Caddy stands in for Go's net/http reverse proxy, the
// stack KrakenD and the Go gateway run on. Each entry names its Debian package and
// writes its config into `dir`; bench/lib/processes.mjs `startServer` runs it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/processes.mjs';

export const nativeProxies = {
  nginx: {
    name: 'nginx',
    file: 'nginx.conf',
    tool: ['nginx', 'nginx', '-v'],
    conf: (dir, port, backendPort) => `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; upstream be { server 127.0.0.1:${backendPort}; keepalive 128; keepalive_requests 1000000; }
  client_body_buffer_size 64k;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:${port};
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; }
    location /sse { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; } } }
`,
    command: (dir, file) => ({ cmd: 'nginx', args: ['-p', dir, '-c', file] }),
  },
  haproxy: {
    name: 'HAProxy',
    file: 'haproxy.cfg',
    tool: ['haproxy', 'haproxy', '-v'],
    // One thread; `http-reuse always` shares idle server connections between clients as nginx's pool does.
    // HAProxy forwards a response's data as it arrives, so SSE needs nothing of its own.
    conf: (_dir, port, backendPort) => `global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 65s
  timeout server 65s
  timeout http-keep-alive 65s
  http-reuse always
frontend bench
  bind 127.0.0.1:${port}
  default_backend origin
backend origin
  server origin 127.0.0.1:${backendPort}
`,
    command: (_dir, file) => ({ cmd: 'haproxy', args: ['-f', file, '-db'] }),
  },
  caddy: {
    name: 'Caddy',
    file: 'caddy.json',
    tool: ['caddy', 'caddy', 'version'],
    // No admin endpoint, no autosave, no HTTPS; Caddy flushes text/event-stream responses at once on its own.
    conf: (dir, port, backendPort) =>
      JSON.stringify({
        admin: { disabled: true, config: { persist: false } },
        logging: { logs: { default: { level: 'ERROR' } } },
        storage: { module: 'file_system', root: join(dir, 'caddy-data') },
        apps: {
          http: {
            servers: {
              bench: {
                listen: [`127.0.0.1:${port}`],
                automatic_https: { disable: true },
                routes: [{ handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${backendPort}` }], transport: { protocol: 'http', keep_alive: { max_idle_conns_per_host: 128 } } }] }],
              },
            },
          },
        },
      }),
    // GOMAXPROCS=1: one CPU, as the others get; HOME and XDG dirs keep Caddy's files in `dir`.
    command: (dir, file) => ({ cmd: 'caddy', args: ['run', '--config', file], env: { GOMAXPROCS: '1', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } }),
  },
};

/** Write `id`'s config into dir and start it on `cpu`, listening on `port`, in front of the backend on `backendPort`. */
export function startNativeProxy(id, cpu, dir, port, backendPort) {
  const p = nativeProxies[id];
  const file = join(dir, p.file);
  writeFileSync(file, p.conf(dir, port, backendPort));
  const { cmd, args, env } = p.command(dir, file);
  return startServer(cpu, cmd, args, port, env);
}
