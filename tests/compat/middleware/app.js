'use strict'
// Reference app for the middleware compatibility suite (compression, cors, morgan) on
// Express 5.3.0. Run: NODE_ENV=production node app.js PORT
// Every route here has a twin in app.py; keep the two files in step (same order).

const express = require('express')
const compression = require('compression')
const cors = require('cors')
const morgan = require('morgan')
const { Writable } = require('stream')
const path = require('path')

const port = Number(process.argv[2] || 3000)
const app = express()

const BIG = 'The quick brown fox jumps over the lazy dog. '.repeat(60) // 2700 bytes
const LINES = Array.from({ length: 40 }, (_, i) => 'line ' + i + ': ' + 'abcdefghij'.repeat(i % 7 + 1) + '\n')
const BYTES = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 251))

function bodyRoutes (router) {
  router.get('/html', (req, res) => { res.send(BIG) })
  router.get('/small', (req, res) => { res.send('hello') })
  router.get('/empty', (req, res) => { res.send('') })
  router.get('/json', (req, res) => { res.json({ items: LINES, n: 40 }) })
  router.get('/text', (req, res) => { res.type('txt').send(BIG) })
  router.get('/png', (req, res) => { res.type('png').send(BYTES) })
  router.get('/octet', (req, res) => { res.send(BYTES) })
  router.get('/svg', (req, res) => { res.type('svg').send('<svg>' + BIG + '</svg>') })
  router.get('/js', (req, res) => { res.type('js').send('var a = "' + BIG + '";') })
  router.get('/custom-type', (req, res) => { res.type('application/x-foo').send(BIG) })
  router.get('/vendor-json', (req, res) => { res.type('application/vnd.api+json').send(JSON.stringify({ big: BIG })) })
  router.get('/no-transform', (req, res) => { res.set('Cache-Control', 'public, no-transform').send(BIG) })
  router.get('/no-transform-upper', (req, res) => { res.set('Cache-Control', 'NO-TRANSFORM').send(BIG) })
  router.get('/cache-other', (req, res) => { res.set('Cache-Control', 'no-transformer, max-age=5').send(BIG) })
  router.get('/encoded', (req, res) => { res.set('Content-Encoding', 'x-custom').send(BIG) })
  router.get('/identity-encoded', (req, res) => { res.set('Content-Encoding', 'identity').send(BIG) })
  router.get('/stream', (req, res) => {
    res.type('txt')
    for (const line of LINES) res.write(line)
    res.end()
  })
  router.get('/stream-small', (req, res) => {
    res.type('txt')
    res.write('tiny')
    res.end(' body')
  })
  router.get('/end-small', (req, res) => { res.type('txt').end('small body') })
  router.get('/end-big', (req, res) => { res.type('txt').end(BIG) })
  router.get('/end-cl', (req, res) => { res.type('txt').set('Content-Length', String(Buffer.byteLength(BIG))).end(BIG) })
  router.get('/no-type', (req, res) => { res.end(BIG) })
  router.get('/status', (req, res) => { res.status(404).send(BIG) })
  router.get('/no-content', (req, res) => { res.status(204).send(BIG) })
  router.get('/etag', (req, res) => { res.set('ETag', '"strong-tag"').send(BIG) })
  router.get('/vary', (req, res) => { res.vary('Origin').send(BIG) })
  router.get('/vary-star', (req, res) => { res.set('Vary', '*').send(BIG) })
  router.get('/redirect', (req, res) => { res.redirect('/elsewhere') })
  router.get('/flush', (req, res) => {
    res.type('text/event-stream')
    res.write('data: one\n\n')
    res.flush()
    res.write('data: two\n\n')
    res.flush()
    res.end('data: three\n\n')
  })
}

// ---------------------------------------------------------------- compression
const c = express.Router()
c.use(compression())
bodyRoutes(c)
app.use('/c', c)

const zero = express.Router()
zero.use(compression({ threshold: 0 }))
bodyRoutes(zero)
app.use('/zero', zero)

const thresholdStr = express.Router()
thresholdStr.use(compression({ threshold: '3kb' }))
bodyRoutes(thresholdStr)
app.use('/t3k', thresholdStr)

const level1 = express.Router()
level1.use(compression({ level: 1 }))
bodyRoutes(level1)
app.use('/level1', level1)

const filterAll = express.Router()
filterAll.use(compression({ filter: (req, res) => req.headers['x-no-compression'] === undefined }))
bodyRoutes(filterAll)
app.use('/filter', filterAll)

const extend = express.Router()
extend.use(compression({
  filter: (req, res) => res.getHeader('Content-Type') === 'image/png' || compression.filter(req, res)
}))
bodyRoutes(extend)
app.use('/extend', extend)

const enforce = express.Router()
enforce.use(compression({ enforceEncoding: 'gzip' }))
bodyRoutes(enforce)
app.use('/enforce', enforce)

const brq = express.Router()
brq.use(compression({ brotli: { params: { [require('zlib').constants.BROTLI_PARAM_QUALITY]: 11 } } }))
bodyRoutes(brq)
app.use('/brq', brq)

const files = express.Router()
files.use(compression())
files.get('/:name', (req, res) => { res.sendFile(path.join(__dirname, 'fixtures', req.params.name)) })
app.use('/file', files)

// ---------------------------------------------------------------- cors
const hello = (req, res) => { res.send('cors ' + req.method) }
app.get('/cors/default', cors(), hello)
app.options('/cors/default', cors())
app.post('/cors/default', cors(), hello)
app.use('/cors/all', cors())
app.get('/cors/all/x', hello)
app.use('/cors/fixed', cors({ origin: 'http://allowed.example' }))
app.get('/cors/fixed', hello)
app.use('/cors/reflect', cors({ origin: true }))
app.get('/cors/reflect', hello)
app.use('/cors/off', cors({ origin: false }))
app.get('/cors/off', hello)
app.use('/cors/list', cors({ origin: ['http://a.example', /\.b\.example$/] }))
app.get('/cors/list', hello)
app.use('/cors/regex', cors({ origin: /^https:\/\/(www\.)?site\.example$/ }))
app.get('/cors/regex', hello)
app.use('/cors/empty-list', cors({ origin: [] }))
app.get('/cors/empty-list', hello)
app.use('/cors/fn', cors({ origin: (origin, cb) => cb(null, origin === 'http://fn.example') }))
app.get('/cors/fn', hello)
app.use('/cors/fn-value', cors({ origin: (origin, cb) => cb(null, 'http://fixed-by-fn.example') }))
app.get('/cors/fn-value', hello)
app.use('/cors/fn-error', cors({ origin: (origin, cb) => cb(new Error('origin refused')) }))
app.get('/cors/fn-error', hello)
app.use('/cors/fn-later', cors({ origin: (origin, cb) => setTimeout(() => cb(null, true), 5) }))
app.get('/cors/fn-later', hello)
app.use('/cors/full', cors({
  origin: 'http://full.example',
  methods: ['GET', 'PUT'],
  allowedHeaders: ['Content-Type', 'X-Token'],
  exposedHeaders: ['X-Total', 'X-Page'],
  credentials: true,
  maxAge: 600
}))
app.get('/cors/full', hello)
app.use('/cors/strings', cors({
  methods: 'GET,POST',
  allowedHeaders: 'X-One,X-Two',
  exposedHeaders: 'X-Exposed',
  maxAge: '120'
}))
app.get('/cors/strings', hello)
app.use('/cors/headers-alias', cors({ headers: ['X-Alias'] }))
app.get('/cors/headers-alias', hello)
app.use('/cors/empty-headers', cors({ allowedHeaders: [], exposedHeaders: [] }))
app.get('/cors/empty-headers', hello)
app.use('/cors/maxage0', cors({ maxAge: 0, credentials: 'yes' }))
app.get('/cors/maxage0', hello)
app.use('/cors/continue', cors({ preflightContinue: true }))
app.options('/cors/continue', (req, res) => { res.status(202).send('handled') })
app.use('/cors/continue-auto', cors({ preflightContinue: true }))
app.get('/cors/continue-auto', hello)
app.put('/cors/continue-auto', hello)
app.use('/cors/status200', cors({ optionsSuccessStatus: 200 }))
app.get('/cors/status200', hello)
app.use('/cors/delegate', cors((req, cb) => {
  if (req.query.deny !== undefined) return cb(null, { origin: false })
  if (req.query.fail !== undefined) return cb(new Error('delegate failed'))
  cb(null, { origin: true, credentials: true, exposedHeaders: ['X-From-Delegate'] })
}))
app.get('/cors/delegate', hello)
app.use('/cors/vary', (req, res, next) => { res.vary('Accept'); next() }, cors({ origin: 'http://v.example' }))
app.get('/cors/vary', hello)
app.use('/cors/compressed', cors({ origin: true }), compression())
app.get('/cors/compressed', (req, res) => { res.send(BIG) })

// ---------------------------------------------------------------- morgan
const sink = new Writable({ write (chunk, encoding, cb) { cb() } })
app.use('/log', morgan('combined', { stream: sink }), morgan('dev', { stream: sink }))
app.get('/log/hello', (req, res) => { res.set('X-Logged', 'yes').send('logged') })
app.use('/log-c', morgan('tiny', { stream: sink }), compression())
app.get('/log-c/big', (req, res) => { res.send(BIG) })

app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message })
})

app.listen(port, '127.0.0.1', () => {
  console.log('express ready on ' + port)
})
