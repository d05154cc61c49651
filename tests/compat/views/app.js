'use strict'
// Views suite of the differential compatibility tests: app.engine, app.render, res.render and
// the View lookup on Express 5.3.0. The same app as app.py (keep the two files in step).
// Run: NODE_ENV=production node app.js PORT
//
// Jinja2 and EJS differ, so both apps register the SAME tiny engine, `tpl` (as in Express's
// docs): `{{a.b}}` prints options.a.b (HTML-escaped), `{{@keys}}` the sorted option names and
// `{{@path}}` the template's path relative to this folder. What is compared is Express's part:
// lookup, locals merging, errors, status, headers and bodies.

const fs = require('node:fs')
const path = require('node:path')
const express = require('express')

const port = Number(process.argv[2] || 3000)
const app = express()

// -------------------------------------------------------------------- the shared engine
function show (v) {
  if (v === undefined) return ''
  if (v === null) return 'null'
  if (Array.isArray(v)) return v.map((x) => (x == null ? '' : show(x))).join(',')
  if (typeof v === 'object') return '[object Object]'
  return String(v)
}

function esc (s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

function fill (content, filePath, options) {
  return content.replace(/\{\{(.+?)\}\}/g, (_, expr) => {
    expr = expr.trim()
    if (expr === '@keys') return Object.keys(options).sort().join(',')
    if (expr === '@path') return path.relative(__dirname, filePath)
    let value = options
    for (const part of expr.split('.')) value = value == null ? undefined : value[part]
    return esc(show(value))
  })
}

// Express's form: (path, options, callback), answering asynchronously.
function tpl (filePath, options, callback) {
  fs.readFile(filePath, 'utf8', (err, content) => {
    if (err) return callback(err)
    callback(null, fill(content, filePath, options))
  })
}

// In app.py these two are `fn(path, options) -> str` and `async def fn(path, options)`.
function rtpl (filePath, options, callback) {
  callback(null, fill(fs.readFileSync(filePath, 'utf8'), filePath, options))
}
function atpl (filePath, options, callback) {
  setImmediate(() => tpl(filePath, options, callback))
}
function boom () { throw new Error('engine boom') }
function cberr (filePath, options, callback) {
  setImmediate(() => callback(new Error('callback error')))
}

const here = (...parts) => path.join(__dirname, ...parts)

app.engine('tpl', tpl)
app.engine('.tpl2', tpl)
app.engine('rtpl', rtpl)
app.engine('atpl', atpl)
app.engine('boom', boom)
app.engine('cberr', cberr)
app.set('view engine', 'tpl')
app.locals.title = 'Views'

// ---------------------------------------------------------------------- lookup
app.get('/basic', (req, res) => { res.render('index', { name: 'World' }) })
app.get('/ext', (req, res) => { res.render('index.tpl', { name: 'ext' }) })
app.get('/nested', (req, res) => { res.render('users/show', { id: 7 }) })
app.get('/dir-index', (req, res) => { res.render('blog') })
app.get('/dir-slash', (req, res) => { res.render('blog/') })
app.get('/dup', (req, res) => { res.render('dup') })
app.get('/dotted', (req, res) => { res.render('dotted.dir/page') })
app.get('/tpl2', (req, res) => { res.render('page.tpl2', { name: 'two' }) })
app.get('/abs', (req, res) => { res.render(here('other', 'abs.tpl')) })
app.get('/abs-noext', (req, res) => { res.render(here('other', 'abs')) })
app.get('/traverse', (req, res) => { res.render('../other/abs') })
app.get('/null-locals', (req, res) => { res.render('index', null) })

// ---------------------------------------------------------------------- errors
app.get('/missing', (req, res) => { res.render('nope') })
app.get('/missing-nested', (req, res) => { res.render('users/nope') })
app.get('/missing-ext', (req, res) => { res.render('nope.tpl') })
app.get('/unknown-module', (req, res) => { res.render('page.express') })
app.get('/unknown-ext', (req, res) => { res.render('page.nosuchengine') })
app.get('/engine/throw', (req, res) => { res.render('x.boom') })
app.get('/engine/cberr', (req, res) => { res.render('x.cberr') })

// ---------------------------------------------------------------------- locals
app.get('/keys', (req, res) => { res.render('keys') })
app.get('/keys-locals', (req, res) => {
  res.locals.fromRes = 1
  res.render('keys', { zeta: 1, alpha: 2 })
})
app.get('/keys-nocache', (req, res) => { res.render('keys', { cache: false }) })
app.get('/locals/app', (req, res) => { res.render('locals') })
app.get('/locals/res', (req, res) => {
  res.locals.who = 'res'
  res.locals.title = 'ResTitle'
  res.render('locals')
})
app.get('/locals/call', (req, res) => {
  res.locals.who = 'res'
  res.locals.from = 'res'
  res.render('locals', { who: 'call', title: 'CallTitle' })
})
app.get('/locals/_locals', (req, res) => {
  res.locals.who = 'res'
  res.render('locals', { from: 'call', _locals: { who: 'ignored', from: 'ignored' } })
})
app.get('/locals/middleware', (req, res, next) => {
  res.locals.who = 'middleware'
  next()
}, (req, res) => { res.render('locals') })
app.get('/types', (req, res) => {
  res.render('types', { s: 'str', n: 42, f: 1.5, t: true, no: false, nil: null, list: [1, 'two', null], obj: { a: { b: 'deep' } } })
})
app.get('/escape', (req, res) => {
  res.render('escape', { html: '<a href="x">&\'</a>', attr: '"quoted" & <tag>' })
})
app.get('/utf8', (req, res) => { res.render('utf8', { name: '\u00fcn\u00ef' }) })
app.get('/empty', (req, res) => { res.render('empty') })

// ---------------------------------------------------------------------- status and headers
app.get('/status/201', (req, res) => { res.status(201).render('index', { name: 'created' }) })
app.get('/status/404', (req, res) => { res.status(404).render('index', { name: 'not found' }) })
app.get('/headers', (req, res) => {
  res.set('X-Before', '1')
  res.append('Link', '</a>; rel="a"')
  res.render('index', { name: 'headers' })
})
app.get('/type-txt', (req, res) => { res.type('txt').render('index', { name: 'text' }) })
app.get('/type-charset', (req, res) => {
  res.set('Content-Type', 'text/html; charset=iso-8859-1')
  res.render('index', { name: 'latin' })
})
app.get('/render-then-set', (req, res) => {
  res.render('index', { name: 'late' })
  res.set('X-Late', '1')
})
app.get('/etag-set', (req, res) => { res.set('ETag', '"mine"').render('index', { name: 'World' }) })

// ---------------------------------------------------------------------- callbacks
app.get('/cb', (req, res) => {
  res.render('index', { name: 'cb' }, (err, html) => { res.type('txt').send(html.toUpperCase()) })
})
app.get('/cb-second', (req, res) => {
  res.render('index', (err, html) => { res.send('[' + html + ']') })
})
app.get('/cb-error', (req, res) => {
  res.render('nope', (err, html) => {
    res.status(404).type('txt').send('cb: ' + err.message + ' html=' + (html === undefined ? 'none' : html))
  })
})
app.get('/cb-engine-error', (req, res) => {
  res.render('x.cberr', (err) => { res.status(502).type('txt').send('cb: ' + err.message) })
})
app.get('/cb-throw-error', (req, res) => {
  res.render('x.boom', {}, (err) => { res.status(503).type('txt').send('cb: ' + err.message) })
})

// ---------------------------------------------------------------------- app.render
app.get('/app-render', (req, res) => {
  app.render('index', { name: 'app' }, (err, html) => { res.type('txt').send(html) })
})
app.get('/app-render-fn', (req, res) => {
  app.render('index', (err, html) => { res.send(html) })
})
app.get('/app-render-nores', (req, res) => {
  res.locals.who = 'res'
  app.render('locals', { from: 'opts' }, (err, html) => { res.send(html) })
})
app.get('/app-render-_locals', (req, res) => {
  app.render('locals', { _locals: { who: 'given', from: 'given' }, from: 'opts' }, (err, html) => { res.send(html) })
})
app.get('/app-render-missing', (req, res) => {
  app.render('nope', (err) => { res.status(500).type('txt').send('app: ' + err.message) })
})
app.get('/app-render-keys', (req, res) => {
  app.render('keys', { x: 1 }, (err, html) => { res.send(html) })
})

// ---------------------------------------------------------------------- engine forms
app.get('/engine/return', (req, res) => { res.render('page.rtpl', { name: 'r' }) })
app.get('/engine/async', (req, res) => { res.render('page.atpl', { name: 'a' }) })

// ---------------------------------------------------------------------- sub-apps and views lists
const multi = express()
multi.set('views', [here('views2'), here('views')])
multi.get('/:name', (req, res) => { res.render(req.params.name) })
app.use('/multi', multi)

const three = express()
three.set('views', [here('views'), here('views2'), here('views3')])
three.get('/:name', (req, res) => { res.render(req.params.name) })
app.use('/three', three)

const single = express()
single.set('views', [here('views')])
single.get('/:name', (req, res) => { res.render(req.params.name) })
app.use('/single', single)

const relative = express()
relative.set('views', 'views2')
relative.get('/:name', (req, res) => { res.render(req.params.name) })
app.use('/relative', relative)

const noEngine = express()
noEngine.set('view engine', '')
noEngine.get('/plain', (req, res) => { res.render('index') })
noEngine.get('/ext', (req, res) => { res.render('index.tpl', { name: 'inherited engine' }) })
noEngine.get('/late', (req, res) => { res.render('index.late', { name: 'late' }) })
app.use('/noengine', noEngine)

const dotEngine = express()
dotEngine.set('view engine', '.tpl')
dotEngine.get('/', (req, res) => { res.render('index', { name: 'dot' }) })
app.use('/dotengine', dotEngine)

const sub = express()
sub.locals.title = 'Sub'
sub.get('/locals', (req, res) => { res.render('locals', { who: 'sub' }) })
sub.get('/keys', (req, res) => { res.render('keys') })
app.use('/sub', sub)

// An engine registered on the parent after mounting: the sub-app still finds it.
app.engine('late', tpl)

// ---------------------------------------------------------------------- errors out
app.use((err, req, res, next) => {
  if ('raw' in req.query) return next(err)
  const view = err.view
    ? ` view=${err.view.name} ext=${err.view.ext} path=${err.view.path === undefined ? 'none' : err.view.path}`
    : ''
  res.status(500).type('txt').send('error: ' + err.message + view)
})

app.listen(port, '127.0.0.1', () => {
  console.log('express ready on ' + port)
})
