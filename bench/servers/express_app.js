// Node Express 5, idiomatic API, default settings (ETag on).
// Usage: node express_app.js PORT. BENCH_KEEP_ALIVE (seconds) overrides the keep-alive timeout.
'use strict';
const express = require('express');

const fs = require('fs');
const os = require('os');
const path = require('path');

const BODY_64K = 'abcdefghijklmnopqrstuvwxyz012345'.repeat(2048); // 65,536 characters
const FILE_1M = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'express-bench-')), '1m.bin');
const block = Buffer.alloc(256);
for (let i = 0; i < 256; i++) block[i] = i;
fs.writeFileSync(FILE_1M, Buffer.concat(Array(4096).fill(block)));
const ITEMS = Array.from({ length: 10 }, (_, i) => `item ${i}`);
const app = express();
app.set('views', path.join(__dirname, 'views'));
app.set('view engine', 'ejs');

app.get('/plaintext', (req, res) => { res.type('text/plain').send('Hello, World!'); });
app.get('/json', (req, res) => { res.json({ message: 'Hello, World!' }); });
app.get('/users/:id', (req, res) => { res.json({ id: req.params.id }); });
const noop = (req, res, next) => next();
for (let i = 0; i < 5; i++) app.use('/mw', noop); // five no-op middlewares on /mw only
app.get('/mw', (req, res) => { res.type('text/plain').send('Hello, World!'); });
app.get('/64k', (req, res) => { res.type('text/plain').send(BODY_64K); });
app.post('/echo-json', express.json(), (req, res) => { res.json({ count: req.body.items.length }); });
app.get('/file', (req, res) => { res.sendFile(FILE_1M); });
app.get('/render', (req, res) => { res.render('hello', { title: 'bench', name: 'World', items: ITEMS }); });

const server = app.listen(Number(process.argv[2]), '127.0.0.1');
if (process.env.BENCH_KEEP_ALIVE) {
  const ms = Number(process.env.BENCH_KEEP_ALIVE) * 1000;
  server.keepAliveTimeout = ms;
  server.headersTimeout = ms + 1000;
}
process.on('SIGTERM', () => server.close(() => process.exit(0)));
