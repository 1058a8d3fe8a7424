// Peer: fastify + @fastify/reply-from, the usual Node choice for a proxy with routing.
import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';

const app = Fastify({ logger: false });
await app.register(replyFrom, { base: process.env.UPSTREAM, undici: { connections: 128, pipelining: 1 } });
// Bodies pass through as streams: no parsing, as a proxy should (and as reply-from recommends).
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
app.all('/*', (req, reply) => reply.from(req.url));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`listening on port ${app.server.address().port}`);
