'use strict'
// Body parsers and multer on Express 5.3.0: the twin of app.py (keep both in step, same order).
// Run: NODE_ENV=production node app.js PORT (from this folder; Node finds ../node_modules).

const express = require('express')
const multer = require('multer')

const port = Number(process.argv[2] || 3000)
const app = express()

// req.body as JSON: `has` says whether a parser set it (undefined stays undefined).
function echo (req, res) {
  const body = req.body
  if (Buffer.isBuffer(body)) {
    return res.json({ has: true, kind: 'bytes', length: body.length, base64: body.toString('base64') })
  }
  res.json({ has: body !== undefined, kind: typeof body, body: body === undefined ? null : body })
}

function echoFiles (req, res) {
  res.json({
    body: req.body === undefined ? null : req.body,
    files: (req.files || []).map((f) => ({
      fieldname: f.fieldname,
      originalname: f.originalname,
      encoding: f.encoding,
      mimetype: f.mimetype,
      size: f.size,
      content: f.buffer.toString('latin1')
    }))
  })
}

function verifyNoBad (req, res, buf, encoding) {
  if (buf.toString('latin1').includes('bad')) throw new Error('verify says no')
}

function verifyStatus (req, res, buf) {
  if (buf.toString('latin1').includes('teapot')) {
    const err = new Error('short and stout')
    err.status = 418
    err.type = 'custom.verify'
    throw err
  }
}

const parsers = express.Router()
parsers.post('/json', express.json(), echo)
parsers.post('/json/loose', express.json({ strict: false }), echo)
parsers.post('/json/limit', express.json({ limit: '20b' }), echo)
parsers.post('/json/limit-kb', express.json({ limit: '1kb' }), echo)
parsers.post('/json/type', express.json({ type: ['application/vnd.api+json', 'text/*'] }), echo)
parsers.post('/json/type-fn', express.json({ type: (req) => req.headers['x-parse'] === 'yes' }), echo)
parsers.post('/json/verify', express.json({ verify: verifyNoBad }), echo)
parsers.post('/json/verify-status', express.json({ verify: verifyStatus }), echo)
parsers.post('/json/reviver', express.json({ reviver: (k, v) => (typeof v === 'number' ? v * 2 : v) }), echo)
parsers.post('/json/noinflate', express.json({ inflate: false }), echo)
parsers.post('/json/twice', express.json(), express.json({ strict: false }), echo)
parsers.post('/json/then-text', express.json(), express.text({ type: '*/*' }), echo)
parsers.post('/json/default-latin1', express.json({ defaultCharset: 'latin1' }), echo)
parsers.post('/json/deep', express.json({ limit: '1mb' }), (req, res) => { res.json({ parsed: typeof req.body }) })
parsers.post('/form', express.urlencoded(), echo)
parsers.post('/form/ext', express.urlencoded({ extended: true }), echo)
parsers.post('/form/plimit', express.urlencoded({ parameterLimit: 3 }), echo)
parsers.post('/form/depth', express.urlencoded({ extended: true, depth: 2 }), echo)
parsers.post('/form/sentinel', express.urlencoded({ extended: true, charsetSentinel: true }), echo)
parsers.post('/form/limit', express.urlencoded({ limit: 10 }), echo)
parsers.post('/text', express.text(), echo)
parsers.post('/text/latin1', express.text({ defaultCharset: 'iso-8859-1' }), echo)
parsers.post('/text/any', express.text({ type: '*/*' }), echo)
parsers.post('/text/verify', express.text({ verify: verifyNoBad }), echo)
parsers.post('/raw', express.raw(), echo)
parsers.post('/raw/any', express.raw({ type: () => true, limit: 64 }), echo)
parsers.post('/mp', multer().any(), echoFiles)
parsers.post('/mp/limits', multer({ limits: { fileSize: 10, files: 2, fields: 3, fieldSize: 20, parts: 6 } }).any(), echoFiles)
parsers.post('/mp/names', multer({ limits: { fieldNameSize: 5 } }).any(), echoFiles)
parsers.get('/none', express.json(), express.urlencoded(), express.text(), express.raw(), multer().any(), echo)

app.use('/p', parsers)
app.use('/e', parsers)

// Error details as JSON for /e (the default page for /p). Undefined properties are dropped.
app.use('/e', (err, req, res, next) => {
  res.status(err.status || 500).json({
    type: err.type,
    message: err.message,
    expose: err.expose,
    expected: err.expected,
    length: err.length,
    limit: err.limit,
    charset: err.charset,
    encoding: err.encoding,
    code: err.code,
    field: err.field,
    body: typeof err.body === 'string' ? err.body : undefined
  })
})

app.listen(port, '127.0.0.1', () => {
  console.log('express ready on ' + port)
})
