import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServer, type TestServer } from './servers.js';

/**
 * Real HTTP servers posing as a Hanzo Base HA cluster: pods that count the
 * requests they serve (and can fail or die), and a leader endpoint whose
 * answer the test flips.
 */
export interface Pod extends TestServer {
  name: string;
  calls: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  /** Replace how the pod answers (default: 200 with its name). */
  respond: (req: IncomingMessage, res: ServerResponse) => void;
}

export async function startPod(name: string): Promise<Pod> {
  const pod = { name, calls: [] } as unknown as Pod;
  pod.respond = (_req, res) => {
    res.writeHead(200, [['Content-Type', 'application/json'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']].flat());
    res.end(JSON.stringify({ pod: name }));
  };
  const server = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pod.calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      pod.respond(req, res);
    });
  });
  return Object.assign(pod, server);
}

export interface Leader extends TestServer {
  /** What /_ha/leader answers: a pod, or an explicit body and status. */
  set(state: { url: string; node: string; term: number; leaseMs?: number } | { status: number; body: string }): void;
  polls: number;
  /** How long each answer takes (a slow control plane). */
  delayMs: number;
  /** Date.now() when the last answer went out (0: none yet). */
  answeredAt: number;
}

export async function startLeader(): Promise<Leader> {
  let answer = { status: 503, body: '{"leader_url":""}' };
  const leader = { polls: 0, delayMs: 0, answeredAt: 0 } as unknown as Leader;
  const server = await startServer((req, res) => {
    leader.polls++;
    if (req.url !== '/_ha/leader') {
      res.writeHead(404).end();
      return;
    }
    const { status, body } = answer; // the answer as it was when the poll arrived
    const send = () => {
      leader.answeredAt = Date.now();
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(body);
    };
    if (leader.delayMs > 0) setTimeout(send, leader.delayMs);
    else send();
  });
  leader.set = (state) => {
    if ('status' in state) answer = state;
    else {
      const lease = new Date(Date.now() + (state.leaseMs ?? 60_000)).toISOString();
      answer = { status: 200, body: JSON.stringify({ leader_url: state.url, node_id: state.node, term: state.term, lease_expires: lease }) };
    }
  };
  return Object.assign(leader, server);
}
