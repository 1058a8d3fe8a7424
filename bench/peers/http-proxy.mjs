// Peer: node-http-proxy with a keep-alive agent.
import { createServer, Agent } from 'node:http';
import httpProxy from 'http-proxy';

const proxy = httpProxy.createProxyServer({ target: process.env.UPSTREAM, agent: new Agent({ keepAlive: true, maxSockets: 128 }) });
proxy.on('error', (_e, _req, res) => { res.writeHead?.(502); res.end(); });
const server = createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening on port ${server.address().port}`));
