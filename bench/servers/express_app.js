// Node Express 5, idiomatic API, default settings (ETag on).
// Usage: node express_app.js PORT. BENCH_KEEP_ALIVE (seconds) overrides the keep-alive timeout.
'use strict';
const express = require('express');

const BODY_64K = 'abcdefghijklmnopqrstuvwxyz012345'.repeat(2048); // 65,536 characters
const app = express();

app.get('/plaintext', (req, res) => { res.type('text/plain').send('Hello, World!'); });
app.get('/json', (req, res) => { res.json({ message: 'Hello, World!' }); });
app.get('/users/:id', (req, res) => { res.json({ id: req.params.id }); });
const noop = (req, res, next) => next();
for (let i = 0; i < 5; i++) app.use('/mw', noop); // five no-op middlewares on /mw only
app.get('/mw', (req, res) => { res.type('text/plain').send('Hello, World!'); });
app.get('/64k', (req, res) => { res.type('text/plain').send(BODY_64K); });

const server = app.listen(Number(process.argv[2]), '127.0.0.1');
if (process.env.BENCH_KEEP_ALIVE) {
  const ms = Number(process.env.BENCH_KEEP_ALIVE) * 1000;
  server.keepAliveTimeout = ms;
  server.headersTimeout = ms + 1000;
}
process.on('SIGTERM', () => server.close(() => process.exit(0)));
