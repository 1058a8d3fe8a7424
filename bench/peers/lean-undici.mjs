// The floor of a Node proxy: node:http in, one undici Pool.dispatch out, the body
// buffered and written once (performance-anchors.md §5.1, its "lean" proxy). No routing,
// no header policy, no features — it shows what node:http itself costs on this machine,
// so hgw's ratios can be read against what Node allows at all.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const pool = new Pool(process.env.UPSTREAM, { connections: 128, pipelining: 1, keepAliveTimeout: 60e3 });
class BufferHandler {
  constructor(res) {
    this.res = res;
    this.status = 0;
    this.type = 'application/json';
    this.chunks = [];
    this.len = 0;
  }
  onConnect() {}
  onHeaders(status) {
    this.status = status;
    return true;
  }
  onData(chunk) {
    this.chunks.push(chunk);
    this.len += chunk.length;
    return true;
  }
  onComplete() {
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.len);
    this.res.writeHead(this.status, { 'content-type': this.type, 'content-length': buf.length });
    this.res.end(buf);
  }
  onError() {
    if (!this.res.headersSent) this.res.writeHead(502);
    this.res.end();
  }
}
const server = createServer({ keepAliveTimeout: 60e3 }, (req, res) => {
  if (req.method === 'GET') return pool.dispatch({ path: req.url, method: 'GET', headers: null }, new BufferHandler(res));
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => pool.dispatch({ path: req.url, method: req.method, headers: ['content-type', 'application/json'], body: Buffer.concat(chunks) }, new BufferHandler(res)));
});
server.listen(0, '127.0.0.1', () => console.log(`listening on port ${server.address().port}`));
