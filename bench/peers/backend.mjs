// The benchmark's origin: fixed bodies so every proxy moves the same bytes.
// GET /1k and /64k (JSON), POST /echo (echoes the body), /a /b /c (small JSON for
// merges), /sse (five server-sent events, each its own write, then the end), and
// /jwks.json (the key set in $JWKS, for the auth scenario).
import { createServer } from 'node:http';

const json = (n) => Buffer.from(JSON.stringify({ data: 'x'.repeat(Math.max(0, n - 11)) }));
const bodies = { '/1k': json(1024), '/64k': json(64 * 1024), '/a': Buffer.from('{"a":{"id":1,"name":"alpha"}}'), '/b': Buffer.from('{"b":{"id":2,"name":"beta"}}'), '/c': Buffer.from('{"c":{"id":3,"name":"gamma"}}') };
const jwks = Buffer.from(process.env.JWKS ?? '{"keys":[]}');
const events = Array.from({ length: 5 }, (_, i) => Buffer.from(`id: ${i}\nevent: token\ndata: {"index":${i},"text":"${'t'.repeat(40)}"}\n\n`));

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }).end(body);
    });
    return;
  }
  req.resume();
  const path = req.url.split('?')[0];
  if (path === '/sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    for (const e of events) res.write(e);
    res.end();
    return;
  }
  const body = path === '/jwks.json' ? jwks : (bodies[path] ?? bodies['/1k']);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }).end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening on port ${server.address().port}`));
