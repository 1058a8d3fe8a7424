// An open-loop load generator for latency at a fixed rate (wrk2 is not packaged in
// Debian; autocannon reports whole milliseconds). Requests are scheduled at `rate`
// per second over `conns` kept-alive connections; each latency counts from the moment
// the request was due, not from when a connection was free to send it, so a proxy that
// stalls is charged for the queue it causes (no coordinated omission). Requests go out on
// a 1 ms ticker; the ticker's own lag is not counted. Responses
// must carry Content-Length (the suite's /1k does).
// usage: node fixed-rate.mjs <url> <rate> <conns> <seconds>   → one JSON line on stdout
import { connect } from 'node:net';

const [url, rateText, connsText, secondsText] = process.argv.slice(2);
const { hostname, port, pathname, search } = new URL(url);
const rate = Number(rateText);
const conns = Number(connsText);
const seconds = Number(secondsText);
const request = Buffer.from(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
const CRLFCRLF = Buffer.from('\r\n\r\n');

const latencies = new Float64Array(Math.ceil(rate * seconds * 1.1) + 1024);
let recorded = 0;
let sent = 0;
let errors = 0;
let non2xx = 0;
let stopping = false;
const backlog = []; // due times (ms) of requests no connection was free to send
const idle = [];

class Conn {
  constructor() {
    this.due = 0;
    this.busy = false;
    this.open();
  }
  /** (Re)connect; a server that closes a connection (nginx after keepalive_requests) gets a new one. */
  open() {
    this.buf = Buffer.alloc(0);
    this.socket = connect({ host: hostname, port: Number(port), noDelay: true }, () => this.free());
    this.socket.on('data', (c) => this.onData(c));
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      if (stopping) return;
      if (this.busy) {
        errors++; // the request in flight got no answer
        this.busy = false;
      }
      const at = idle.indexOf(this);
      if (at !== -1) idle.splice(at, 1);
      this.open();
    });
  }
  send(due) {
    this.busy = true;
    this.due = due;
    sent++;
    this.socket.write(request);
  }
  free() {
    this.busy = false;
    if (backlog.length > 0) this.send(backlog.shift());
    else idle.push(this);
  }
  onData(chunk) {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const end = this.buf.indexOf(CRLFCRLF);
      if (end === -1) return;
      const head = this.buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      const total = end + 4 + length;
      if (this.buf.length < total) return;
      this.buf = this.buf.subarray(total);
      const status = Number(head.slice(9, 12));
      if (status < 200 || status > 299) non2xx++;
      if (recorded < latencies.length) latencies[recorded++] = performance.now() - this.due;
      this.busy = false;
      // `Connection: close`: the server ends this connection; 'close' opens the next one.
      if (/\r\nconnection:\s*close/i.test(head)) return;
      this.free();
    }
  }
}

const pool = Array.from({ length: conns }, () => new Conn());
await new Promise((r) => setTimeout(r, 200)); // connections up
const startedAt = performance.now();
let scheduled = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  const elapsed = now - startedAt;
  if (elapsed >= seconds * 1000) {
    clearInterval(ticker);
    setTimeout(finish, 1000); // let the last answers arrive
    return;
  }
  const due = Math.floor((elapsed / 1000) * rate);
  for (; scheduled < due; scheduled++) {
    const at = startedAt + (scheduled * 1000) / rate;
    const c = idle.pop();
    // A free connection sends now: the ticker's own lag (≤ 1 ms) is the generator's, not the proxy's.
    // Without one the request waits, and that wait counts from when it was due.
    if (c) c.send(now);
    else backlog.push(at);
  }
}, 1);

function finish() {
  stopping = true;
  const xs = latencies.subarray(0, recorded).sort();
  const q = (p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN);
  const result = { rate, offered: scheduled, sent, completed: recorded, rps: recorded / seconds, p50ms: q(0.5), p90ms: q(0.9), p99ms: q(0.99), p999ms: q(0.999), errors, non2xx, backlog: backlog.length };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const c of pool) c.socket.destroy();
  process.exit(0);
}
