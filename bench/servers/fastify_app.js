// Fastify 5, idiomatic API, default settings.
// Usage: node fastify_app.js PORT. BENCH_KEEP_ALIVE (seconds) overrides the keep-alive timeout.
'use strict';
const opts = { logger: false };
if (process.env.BENCH_KEEP_ALIVE) opts.keepAliveTimeout = Number(process.env.BENCH_KEEP_ALIVE) * 1000;
const fastify = require('fastify')(opts);

const BODY_64K = 'abcdefghijklmnopqrstuvwxyz012345'.repeat(2048); // 65,536 characters

fastify.get('/plaintext', (req, reply) => { reply.type('text/plain').send('Hello, World!'); });
fastify.get('/json', (req, reply) => { reply.send({ message: 'Hello, World!' }); });
fastify.get('/users/:id', (req, reply) => { reply.send({ id: req.params.id }); });
const noop = (req, reply, done) => done();
// Fastify's middleware is hooks: five no-op onRequest hooks on this route only.
fastify.get('/mw', { onRequest: [noop, noop, noop, noop, noop] }, (req, reply) => {
  reply.type('text/plain').send('Hello, World!');
});
fastify.get('/64k', (req, reply) => { reply.type('text/plain').send(BODY_64K); });

fastify.listen({ port: Number(process.argv[2]), host: '127.0.0.1' }, (err) => {
  if (err) { console.error(err); process.exit(1); }
});
process.on('SIGTERM', () => fastify.close().then(() => process.exit(0)));
