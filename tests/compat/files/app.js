'use strict'
// Files suite (res.sendFile, res.download, express.static) on Express 5.3.0; app.py is its twin.
// Run from this folder: NODE_ENV=production node app.js PORT
// At startup both apps give every file of public/ the same mtime (so ETag and Last-Modified
// match) and build the same temporary tree (a 200 KiB file, symlinks in and out of a root).

const fs = require('fs')
const os = require('os')
const path = require('path')
const express = require('express')

const port = Number(process.argv[2] || 3000)
const PUBLIC = path.join(__dirname, 'public')
const MTIME = new Date(1623760496789) // 2021-06-15T12:34:56.789Z

function touchTree (dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) touchTree(p)
    else if (entry.isFile()) fs.utimesSync(p, MTIME, MTIME)
  }
}
touchTree(PUBLIC)

// The temporary tree: TMP/root/{big.bin, inside.txt, link-in.txt -> inside.txt,
// link-out.txt -> ../outside.txt}, TMP/outside.txt.
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'fastexpress-files-node-'))
const ROOT2 = path.join(TMP, 'root')
fs.mkdirSync(ROOT2)
const big = Buffer.alloc(200 * 1024)
for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 10)) & 0xff
fs.writeFileSync(path.join(ROOT2, 'big.bin'), big)
fs.writeFileSync(path.join(ROOT2, 'inside.txt'), 'inside the root\n')
fs.writeFileSync(path.join(TMP, 'outside.txt'), 'outside the root\n')
fs.symlinkSync('inside.txt', path.join(ROOT2, 'link-in.txt'))
fs.symlinkSync('../outside.txt', path.join(ROOT2, 'link-out.txt'))
for (const p of ['big.bin', 'inside.txt']) fs.utimesSync(path.join(ROOT2, p), MTIME, MTIME)
fs.utimesSync(path.join(TMP, 'outside.txt'), MTIME, MTIME)
function cleanup () { fs.rmSync(TMP, { recursive: true, force: true }) }
process.on('exit', cleanup)
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))

const app = express()
const HELLO = path.join(PUBLIC, 'hello.txt')
const num = (v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)
const errInfo = (err) => (err ? { status: err.status === undefined ? null : err.status, code: err.code === undefined ? null : err.code, expose: err.expose === undefined ? null : err.expose } : null)

// ---------------------------------------------------------------- res.sendFile
app.get('/sf/abs', (req, res) => { res.sendFile(HELLO) })
app.get('/sf/root/:name', (req, res) => { res.sendFile(req.params.name, { root: PUBLIC }) })
app.get('/sf/rel-root/*path', (req, res) => { res.sendFile(req.params.path.join('/'), { root: 'public' }) })
app.get('/sf/relative', (req, res) => { res.sendFile('public/hello.txt') })
app.get('/sf/no-path', (req, res) => { res.sendFile() })
app.get('/sf/missing', (req, res) => { res.sendFile(path.join(PUBLIC, 'nope.txt')) })
app.get('/sf/dir', (req, res) => { res.sendFile(path.join(PUBLIC, 'sub')) })
app.get('/sf/dir-slash', (req, res) => { res.sendFile(path.join(PUBLIC, 'sub') + '/') })
app.get('/sf/maxage/:v', (req, res) => { res.sendFile(HELLO, { maxAge: num(req.params.v) }) })
app.get('/sf/immutable', (req, res) => { res.sendFile(HELLO, { maxAge: '1d', immutable: true }) })
app.get('/sf/no-cache-control', (req, res) => { res.sendFile(HELLO, { cacheControl: false, immutable: true }) })
app.get('/sf/no-last-modified', (req, res) => { res.sendFile(HELLO, { lastModified: false }) })
app.get('/sf/no-ranges', (req, res) => { res.sendFile(path.join(PUBLIC, 'digits.txt'), { acceptRanges: false }) })
app.get('/sf/headers', (req, res) => {
  res.sendFile(HELLO, { headers: { 'X-Custom': 'yes', 'Content-Type': 'text/x-custom', 'X-Num': 7 } })
})
app.get('/sf/headers-missing', (req, res) => {
  res.sendFile(path.join(PUBLIC, 'nope.txt'), { headers: { 'X-Custom': 'yes' } })
})
app.get('/sf/dotfiles/:mode', (req, res) => {
  const opts = { root: PUBLIC }
  if (req.params.mode !== 'default') opts.dotfiles = req.params.mode
  res.sendFile('.hidden', opts)
})
app.get('/sf/dotdir', (req, res) => { res.sendFile('.dotdir/inside.txt', { root: PUBLIC, dotfiles: 'allow' }) })
app.get('/sf/dotfile-abs', (req, res) => { res.sendFile(path.join(PUBLIC, '.hidden')) })
app.get('/sf/preset', (req, res) => {
  res.set('ETag', '"custom"')
  res.set('Cache-Control', 'no-store')
  res.set('Content-Type', 'text/plain')
  res.set('X-Before', '1')
  res.sendFile(HELLO)
})
app.get('/sf/status', (req, res) => { res.status(201).sendFile(HELLO) })
app.get('/sf/cb-error', (req, res) => {
  res.sendFile(path.join(PUBLIC, 'nope.txt'), (err) => { res.status(err.status).json(errInfo(err)) })
})
app.get('/sf/cb-dir', (req, res) => {
  res.sendFile(path.join(PUBLIC, 'sub'), (err) => { res.status(409).json(errInfo(err)) })
})
app.get('/sf/cb-ok', (req, res) => {
  res.sendFile(HELLO, (err) => { if (err) console.error('unexpected', err) })
})
app.get('/sf/cb-options', (req, res) => {
  res.sendFile('nope.txt', { root: PUBLIC }, (err) => { res.status(418).json(errInfo(err)) })
})
app.get('/sf/cb-traversal', (req, res) => {
  res.sendFile('../app.js', { root: PUBLIC }, (err) => { res.status(400).json(errInfo(err)) })
})
app.get('/sf/traversal-noroot', (req, res) => { res.sendFile(PUBLIC + '/../app.js') })
app.get('/sf/start-end', (req, res) => { res.sendFile(path.join(PUBLIC, 'digits.txt'), { start: 2, end: 5 }) })
app.get('/sf/big', (req, res) => { res.sendFile(path.join(ROOT2, 'big.bin')) })
app.get('/sf/file/*path', (req, res) => { res.sendFile(req.params.path.join('/'), { root: PUBLIC }) })
app.get('/sf/index', (req, res) => { res.sendFile('sub/', { root: PUBLIC }) })
app.get('/sf/index-off', (req, res) => { res.sendFile('sub/', { root: PUBLIC, index: false }) })
app.get('/sf/trailing-file', (req, res) => { res.sendFile('hello.txt/', { root: PUBLIC }) })
app.get('/sf/nul', (req, res) => { res.sendFile('hel\u0000lo.txt', { root: PUBLIC }) })
app.get('/sf/percent', (req, res) => { res.sendFile('%2e%2e/app.js', { root: PUBLIC }) })
app.get('/sf/extensions', (req, res) => { res.sendFile('page', { root: PUBLIC, extensions: ['htm', 'html'] }) })
const noEtag = express()
noEtag.set('etag', false)
noEtag.get('/file', (req, res) => { res.sendFile(HELLO) })
app.use('/noetag', noEtag)

// ---------------------------------------------------------------- res.download
app.get('/dl/plain', (req, res) => { res.download(HELLO) })
app.get('/dl/name', (req, res) => { res.download(HELLO, 'report.pdf') })
app.get('/dl/unicode', (req, res) => { res.download(HELLO, 'r\u00e9sum\u00e9.txt') })
app.get('/dl/space', (req, res) => { res.download(HELLO, 'my file.txt') })
app.get('/dl/path-name', (req, res) => { res.download(HELLO, '/some/dir/inner.txt') })
app.get('/dl/headers', (req, res) => {
  res.download(HELLO, 'x.txt', { headers: { 'X-A': '1', 'content-disposition': 'inline' } })
})
app.get('/dl/relative', (req, res) => { res.download('public/digits.txt') })
app.get('/dl/root', (req, res) => { res.download('digits.txt', 'n.txt', { root: 'public' }) })
app.get('/dl/options-only', (req, res) => { res.download(HELLO, { maxAge: '1h' }) })
app.get('/dl/missing', (req, res) => { res.download(path.join(PUBLIC, 'nope.txt')) })
app.get('/dl/cb', (req, res) => {
  res.download(path.join(PUBLIC, 'nope.txt'), (err) => { res.status(err.status).send('cb:' + err.code) })
})
app.get('/dl/name-cb', (req, res) => {
  res.download(path.join(PUBLIC, 'nope.txt'), 'x.txt', (err) => { res.status(err.status).send('cb2:' + err.code) })
})

// ---------------------------------------------------------------- express.static
app.use('/static', express.static(PUBLIC))
app.use('/static-rel', express.static('public'))
app.use('/static-maxage', express.static(PUBLIC, { maxAge: '1d', immutable: true }))
app.use('/static-maxage-num', express.static(PUBLIC, { maxAge: 5500 }))
app.use('/static-noindex', express.static(PUBLIC, { index: false }))
app.use('/static-index-list', express.static(PUBLIC, { index: ['default.htm', 'index.html'] }))
app.use('/static-ext', express.static(PUBLIC, { extensions: ['html', 'txt'] }))
app.use('/static-deny', express.static(PUBLIC, { dotfiles: 'deny' }))
app.use('/static-allow', express.static(PUBLIC, { dotfiles: 'allow' }))
app.use('/static-nofall', express.static(PUBLIC, { fallthrough: false }))
app.use('/static-nofall-deny', express.static(PUBLIC, { fallthrough: false, dotfiles: 'deny' }))
app.use('/static-noredirect', express.static(PUBLIC, { redirect: false }))
app.use('/static-setheaders', express.static(PUBLIC, {
  setHeaders: (res, p, stat) => {
    res.setHeader('X-File', path.basename(p))
    res.setHeader('X-Size', String(stat.size))
  }
}))
app.use('/static-noetag', express.static(PUBLIC, { etag: false, lastModified: false }))
app.use('/static-noranges', express.static(PUBLIC, { acceptRanges: false }))
app.use('/static-nocc', express.static(PUBLIC, { cacheControl: false }))
app.use('/tmpstatic', express.static(ROOT2))
app.use('/both', express.static(path.join(PUBLIC, 'sub')), express.static(PUBLIC))
app.use('/static-preset', (req, res, next) => { res.set('Cache-Control', 'private'); res.set('X-Pre', 'p'); next() },
  express.static(PUBLIC))
app.get('/after-static/:x', (req, res) => { res.send('after ' + req.params.x) })
app.use('/fall', express.static(PUBLIC))
app.use('/fall', (req, res) => { res.status(404).send('custom 404 for ' + req.url) })

app.listen(port, '127.0.0.1', () => {
  console.log('express ready on ' + port)
})
