'use strict'
// Reference app for the differential compatibility suite: the same app as app.py,
// written for Express 5.3.0. Run: NODE_ENV=production node app.js PORT
// Every route here has a twin in app.py; keep the two files in step (same order).

const express = require('express')

const port = Number(process.argv[2] || 3000)
const app = express()

// undefined has no JSON form; Python's None is null, so echo undefined as null.
const n = (v) => (v === undefined ? null : v)

function statusError (status, message, extra) {
  const err = new Error(message)
  err.status = status
  return Object.assign(err, extra || {})
}

app.locals.title = 'Compat'

// ---------------------------------------------------------------- §0 wire basics
app.get('/wire/hello', (req, res) => { res.send('hello') })
app.get('/wire/empty', (req, res) => { res.send('') })
app.get('/wire/close', (req, res) => { res.set('Connection', 'close').send('bye') })
app.get('/wire/utf8', (req, res) => { res.send('h\u00e9llo \u2603 \u{1F600}') })
app.get('/wire/teapot', (req, res) => { res.status(418).send('short and stout') })
app.get('/wire/unknown', (req, res) => { res.status(599).send('odd') })
app.get('/wire/order', (req, res) => {
  res.set('X-Zulu', '1')
  res.set('X-Alpha', '2')
  res.append('X-Multi', ['3', '4'])
  res.set('X-Mid', 'm')
  res.send('ordered')
})
app.get('/wire/big', (req, res) => { res.send('0123456789abcdef'.repeat(4096)) })
app.get('/wire/status/:code', (req, res) => { res.sendStatus(Number(req.params.code)) })
app.all('/wire/any', (req, res) => { res.send(req.method + ' any') })

// ---------------------------------------------------------------- §1 res.status
app.get('/status/string', (req, res) => { res.status('200').send('never') })
app.get('/status/float', (req, res) => { res.status(200.5).send('never') })
app.get('/status/low', (req, res) => { res.status(99).send('never') })
app.get('/status/high', (req, res) => { res.status(1000).send('never') })
app.get('/status/created', (req, res) => { res.status(201).send('created') })
app.get('/status/chain', (req, res) => { res.status(202).type('txt').send('accepted') })
app.get('/status/code-prop', (req, res) => {
  res.statusCode = 203
  res.send(String(res.statusCode))
})

// ---------------------------------------------------------------- §1 res.send
app.get('/send/str', (req, res) => { res.send('hello world') })
app.get('/send/str-ct', (req, res) => { res.type('text/plain').send('plain') })
app.get('/send/str-ct-params', (req, res) => {
  res.set('Content-Type', 'text/plain; foo=bar')
  res.send('params')
})
app.get('/send/str-ct-charset', (req, res) => {
  res.set('Content-Type', 'text/plain; charset=iso-8859-1')
  res.send('latin')
})
app.get('/send/str-json-ct', (req, res) => { res.type('json').send('{"a":1}') })
app.get('/send/bytes', (req, res) => { res.send(Buffer.from('bin\x00ary')) })
app.get('/send/bytes-ct', (req, res) => { res.type('png').send(Buffer.from('PNG')) })
app.get('/send/bytes-empty', (req, res) => { res.send(Buffer.alloc(0)) })
app.get('/send/dict', (req, res) => { res.send({ a: 1, b: 'x', c: null, d: [true, false] }) })
app.get('/send/list', (req, res) => { res.send([1, 'two', null, { three: 3 }]) })
app.get('/send/int', (req, res) => { res.send(42) })
app.get('/send/zero', (req, res) => { res.send(0) })
app.get('/send/float', (req, res) => { res.send(1.5) })
app.get('/send/true', (req, res) => { res.send(true) })
app.get('/send/false', (req, res) => { res.send(false) })
app.get('/send/null', (req, res) => { res.send(null) })
app.get('/send/undefined', (req, res) => { res.send() })
app.get('/send/empty-str', (req, res) => { res.send('') })
app.get('/send/status-json', (req, res) => { res.status(201).send({ ok: true }) })
app.get('/send/nested', (req, res) => {
  res.send({ a: { b: [1, 2, { c: null }] }, '\u00e9': '\u00fc', emoji: '\u{1F600}', q: 'say "hi"\n' })
})
app.get('/send/te', (req, res) => {
  res.set('Transfer-Encoding', 'chunked')
  res.send('framed by TE')
})
app.get('/send/twice', (req, res) => {
  res.send('first')
  try { res.send('second') } catch (e) { /* ERR_HTTP_HEADERS_SENT */ }
})
app.get('/send/headers-sent', (req, res) => {
  const before = res.headersSent
  res.write('w')
  res.end(before ? ' before=yes' : ' before=no')
})

// ---------------------------------------------------------------- §1 res.json
app.get('/json/obj', (req, res) => { res.json({ name: 'tobi', age: 3, tags: ['a', 'b'] }) })
app.get('/json/undefined', (req, res) => { res.json() })
app.get('/json/null', (req, res) => { res.json(null) })
app.get('/json/str', (req, res) => { res.json('hi "there"') })
app.get('/json/num', (req, res) => { res.json(7) })
app.get('/json/special', (req, res) => { res.json({ html: '<b>&amp;</b>', ls: '\u2028' }) })
app.get('/json/nan', (req, res) => { res.json({ nan: NaN, inf: Infinity, ok: 1 }) })
app.get('/json/date', (req, res) => { res.json({ d: new Date(0) }) })
app.get('/json/dropped', (req, res) => { res.json({ a: 1, b: undefined, c: 3 }) })
app.get('/json/ct-preset', (req, res) => { res.type('application/vnd.api+json').json({ data: [] }) })
app.get('/json/status', (req, res) => { res.status(400).json({ error: 'bad' }) })

// sub-apps with json settings
const jsonSpaces = express()
jsonSpaces.set('json spaces', 2)
jsonSpaces.get('/obj', (req, res) => { res.json({ a: 1, b: [1, 2], c: {} , d: [] }) })
jsonSpaces.get('/jsonp', (req, res) => { res.jsonp({ a: [1] }) })
app.use('/jsonspaces', jsonSpaces)

const jsonReplacer = express()
jsonReplacer.set('json spaces', 4)
jsonReplacer.set('json replacer', (key, value) => (typeof value === 'string' ? value.toUpperCase() : value))
jsonReplacer.get('/obj', (req, res) => { res.json({ name: 'tobi', nested: { pet: 'ferret' }, n: 1 }) })
app.use('/jsonreplacer', jsonReplacer)

const jsonEscape = express()
jsonEscape.set('json escape', true)
jsonEscape.get('/obj', (req, res) => { res.json({ html: '<script>&</script>' }) })
jsonEscape.get('/jsonp', (req, res) => { res.jsonp({ html: '<b>&</b>' }) })
app.use('/jsonescape', jsonEscape)

// ---------------------------------------------------------------- §1 res.jsonp
app.get('/jsonp', (req, res) => { res.jsonp({ a: 1 }) })
app.get('/jsonp/undefined', (req, res) => { res.jsonp() })
app.get('/jsonp/str', (req, res) => { res.jsonp('line\u2028sep\u2029end') })
app.get('/jsonp/ct-preset', (req, res) => { res.type('application/vnd.api+json').jsonp({ b: 2 }) })
app.get('/jsonp/status', (req, res) => { res.status(404).jsonp({ missing: true }) })

const jsonpName = express()
jsonpName.set('jsonp callback name', 'cb')
jsonpName.get('/', (req, res) => { res.jsonp({ name: 'cb' }) })
app.use('/jsonpname', jsonpName)

// ---------------------------------------------------------------- §1 set / get / append
app.get('/set/basic', (req, res) => {
  res.set('X-Foo', 'bar')
  res.set('X-Num', 123)
  res.header('X-Via-Header', 'yes')
  res.send('set')
})
app.get('/set/array', (req, res) => { res.set('X-List', ['a', 'b', 'c']).send('arr') })
app.get('/set/obj', (req, res) => { res.set({ 'X-One': '1', 'X-Two': '2' }).send('obj') })
app.get('/set/replace', (req, res) => {
  res.set('X-Rep', 'first')
  res.set('x-rep', 'second')
  res.send('replaced')
})
app.get('/set/ct', (req, res) => { res.set('Content-Type', req.query.t).end('ct') })
app.get('/get', (req, res) => {
  res.set('X-A', 'one')
  res.append('X-M', '1')
  res.append('X-M', '2')
  res.json({ a: n(res.get('x-a')), m: n(res.get('X-M')), missing: n(res.get('X-None')) })
})
app.get('/append', (req, res) => {
  res.append('Link', '<a>')
  res.append('Link', ['<b>', '<c>'])
  res.append('X-S', '1')
  res.append('X-S', '2')
  res.set('X-S', '3')
  res.send('appended')
})
app.get('/append/fresh', (req, res) => { res.append('X-New', 'v').send('fresh') })

// ---------------------------------------------------------------- §1 res.type
app.get('/type', (req, res) => { res.type(req.query.t).send(Buffer.from('typed')) })
app.get('/content-type', (req, res) => { res.contentType('json').send(Buffer.from('{}')) })

// ---------------------------------------------------------------- §1 res.vary
app.get('/vary', (req, res) => {
  res.vary('Accept')
  res.vary('accept-encoding')
  res.vary('Origin')
  res.vary('ACCEPT')
  res.send('vary')
})
app.get('/vary/star', (req, res) => { res.vary('Accept').vary('*').vary('Origin').send('star') })
app.get('/vary/empty', (req, res) => { res.vary([]).send('empty') })
app.get('/vary/list', (req, res) => { res.vary(['Accept', 'Cookie']).vary('cookie').send('list') })
app.get('/vary/none', (req, res) => { res.vary().send('never') })

// ---------------------------------------------------------------- §1 res.location
app.get('/location', (req, res) => { res.location(req.query.u).send('located') })
app.get('/location/back', (req, res) => { res.location('back').send('back') })

// ---------------------------------------------------------------- §1 res.redirect
app.get('/redirect', (req, res) => { res.redirect('/target') })
app.get('/redirect/301', (req, res) => { res.redirect(301, '/moved') })
app.get('/redirect/303', (req, res) => { res.redirect(303, 'http://example.com/other') })
app.get('/redirect/escape', (req, res) => { res.redirect('/a?b=<c>&d="e"') })
app.get('/redirect/encode', (req, res) => { res.redirect('/caf\u00e9 menu') })
app.get('/redirect/back', (req, res) => { res.redirect('back') })
app.post('/redirect/post', (req, res) => { res.redirect(307, '/target') })

// ---------------------------------------------------------------- §1 res.links
app.get('/links', (req, res) => {
  res.links({ next: 'http://api.example.com/users?page=2', last: 'http://api.example.com/users?page=5' })
  res.send('links')
})
app.get('/links/twice', (req, res) => {
  res.links({ next: '/p/2' })
  res.links({ prev: '/p/0' })
  res.send('twice')
})
app.get('/links/array', (req, res) => { res.links({ preload: ['/a.css', '/b.js'] }).send('array') })

// ---------------------------------------------------------------- §1 res.attachment
app.get('/attach/none', (req, res) => { res.attachment().send('no name') })
app.get('/attach/pdf', (req, res) => { res.attachment('report.pdf').send(Buffer.from('%PDF')) })
app.get('/attach/space', (req, res) => { res.attachment('my file.txt').send('spaced') })
app.get('/attach/unicode', (req, res) => { res.attachment('r\u00e9sum\u00e9.txt').send('unicode') })
app.get('/attach/path', (req, res) => { res.attachment('path/to/logo.png').send(Buffer.from('PNG')) })

// ---------------------------------------------------------------- §1 res.format
app.get('/format', (req, res) => {
  res.format({
    'text/plain': () => { res.send('text') },
    'text/html': () => { res.send('<p>html</p>') },
    'application/json': () => { res.send({ message: 'json' }) }
  })
})
app.get('/format/ext', (req, res) => {
  res.format({
    json: () => { res.json({ ext: 'json' }) },
    html: () => { res.send('<b>ext</b>') }
  })
})
app.get('/format/default', (req, res) => {
  res.format({
    'text/plain': () => { res.send('text') },
    default: () => { res.status(406).send('default handler') }
  })
})
app.get('/format/args', (req, res) => {
  res.format({
    'text/plain': (rq, rs, next) => { rs.send(rq.path + ' via args') }
  })
})

// ---------------------------------------------------------------- §1 res.locals
app.get('/locals', (req, res, next) => {
  res.locals.user = 'tobi'
  next()
}, (req, res) => {
  res.locals.count = 2
  res.json({ user: res.locals.user, count: res.locals.count, keys: Object.keys(res.locals), title: req.app.locals.title })
})

// ---------------------------------------------------------------- §1 res.write / res.end
app.get('/stream', (req, res) => {
  res.write('alpha,')
  res.write('beta,')
  res.end('gamma')
})
app.get('/stream/ct', (req, res) => {
  res.type('txt')
  res.write('one\n')
  res.end('two\n')
})
app.get('/stream/cl', (req, res) => {
  res.set('Content-Length', '6')
  res.write('abc')
  res.end('def')
})
app.get('/stream/bytes', (req, res) => {
  res.write(Buffer.from([0, 1, 2]))
  res.end(Buffer.from([3, 4]))
})
app.get('/stream/async', async (req, res) => {
  res.status(202)
  res.write('tick ')
  await new Promise((resolve) => setTimeout(resolve, 20))
  res.write('tock ')
  await new Promise((resolve) => setTimeout(resolve, 20))
  res.end('done')
})
app.get('/end/empty', (req, res) => { res.end() })
app.get('/end/str', (req, res) => { res.end('ended') })
app.get('/end/status', (req, res) => { res.status(404).end() })

// ---------------------------------------------------------------- §1 204 / 205 / 304 stripping
app.get('/strip/204', (req, res) => { res.status(204).send('body') })
app.get('/strip/304', (req, res) => { res.status(304).send('body') })
app.get('/strip/205', (req, res) => { res.status(205).send('body') })
app.get('/strip/204-json', (req, res) => { res.status(204).json({ a: 1 }) })
app.get('/strip/204-end', (req, res) => { res.status(204).end() })
app.get('/strip/204-headers', (req, res) => {
  res.set('X-Kept', 'yes')
  res.type('txt')
  res.status(204).send('body')
})

// ---------------------------------------------------------------- §1 conditional GET
app.all('/cond', (req, res) => { res.send('hello') })
app.get('/cond/404', (req, res) => { res.status(404).send('hello') })
app.get('/cond/lm', (req, res) => {
  res.set('Last-Modified', 'Wed, 01 Jan 2020 00:00:00 GMT')
  res.send('modified')
})
app.get('/cond/json', (req, res) => { res.json({ hello: 'world' }) })

const strongEtag = express()
strongEtag.set('etag', 'strong')
strongEtag.get('/hello', (req, res) => { res.send('hello') })
strongEtag.get('/json', (req, res) => { res.json({ hello: 'world' }) })
app.use('/strong', strongEtag)

const noEtag = express()
noEtag.set('etag', false)
noEtag.get('/hello', (req, res) => { res.send('hello') })
app.use('/noetag', noEtag)

const fnEtag = express()
fnEtag.set('etag', (body, encoding) => (body.length > 3 ? '"len-' + body.length + '"' : undefined))
fnEtag.get('/long', (req, res) => { res.send('long body') })
fnEtag.get('/short', (req, res) => { res.send('ab') })
app.use('/fnetag', fnEtag)

// ---------------------------------------------------------------- §2 request: query
app.get('/req/query', (req, res) => { res.json(req.query) })

const extendedQuery = express()
extendedQuery.set('query parser', 'extended')
extendedQuery.get('/query', (req, res) => { res.json(req.query) })
app.use('/extq', extendedQuery)

const noQuery = express()
noQuery.set('query parser', false)
noQuery.get('/query', (req, res) => { res.json(req.query) })
app.use('/noq', noQuery)

// ---------------------------------------------------------------- §2 request: params / paths
app.get('/req/p/:id', (req, res) => { res.json(req.params) })
app.get('/req/p2/:a/:b', (req, res) => { res.json(req.params) })
app.get('/req/splat/*rest', (req, res) => { res.json(req.params) })
app.get('/req/info', (req, res) => {
  res.json({ path: req.path, url: req.url, originalUrl: req.originalUrl, baseUrl: req.baseUrl, route: req.route.path })
})

const orgRouter = express.Router()
orgRouter.get('/info', (req, res) => {
  res.json({ path: req.path, url: req.url, originalUrl: req.originalUrl, baseUrl: req.baseUrl, params: req.params })
})
const teamRouter = express.Router({ mergeParams: true })
teamRouter.get('/:team', (req, res) => {
  res.json({ path: req.path, url: req.url, originalUrl: req.originalUrl, baseUrl: req.baseUrl, params: req.params })
})
orgRouter.use('/teams', teamRouter)
app.use('/org/:org', orgRouter)

app.use('/mw', (req, res, next) => {
  if (req.query.skip) return next()
  res.json({ path: req.path, url: req.url, originalUrl: req.originalUrl, baseUrl: req.baseUrl })
})

// Consecutive middleware on one literal prefix: each sees the url stripped afresh, even when
// one of them rewrites req.url or req.baseUrl (the router's same-prefix shortcut must agree).
const pfxTrace = (tag, fn) => (req, res, next) => {
  (req.trace ||= []).push([tag, req.url, req.baseUrl, req.path, req.params])
  if (fn) fn(req)
  next()
}
const pfxRouter = express.Router()
pfxRouter.use('/pfx',
  pfxTrace('a', (req) => { req.baseUrl = '/tampered' }),
  pfxTrace('b', (req) => { if (req.query.rewrite) req.url = req.url.slice(Number(req.query.rewrite)) }),
  pfxTrace('c'))
pfxRouter.use('/PFX', pfxTrace('d'))
pfxRouter.use('/pfx/', pfxTrace('e', (req) => { if (req.query.up) req.url = req.url.toUpperCase() }), pfxTrace('f'))
pfxRouter.use('/pfx', (req, res) => res.json(req.trace))
pfxRouter.use((req, res) => res.status(404).json(req.trace || null))
app.use('/pt', pfxRouter)

// Leaving a use() prefix puts req.url back as it came, for the routes after it; a RegExp prefix
// is entered only when it matches at the start of the path and ends on a segment boundary.
app.use('/rs', (req, res, next) => { res.set('X-In', req.baseUrl + ' ' + req.url); next() })
app.use(/\/rx/, (req, res, next) => { res.set('X-Rx', req.baseUrl + ' ' + req.url); next() })
app.get(['/rs', '/rs/a', '/rxy', '/qq/rx', '/rx/a'], (req, res) => {
  res.json({ url: req.url, originalUrl: req.originalUrl, baseUrl: req.baseUrl, path: req.path })
})

const infoApp = express()
infoApp.get('/deep/info', (req, res) => {
  res.json({ path: req.path, url: req.url, originalUrl: req.originalUrl, baseUrl: req.baseUrl })
})
app.use('/subapp', infoApp)

// ---------------------------------------------------------------- §2 request: headers & negotiation
app.get('/req/get', (req, res) => {
  res.json({
    custom: n(req.get('X-Custom')),
    customHeader: n(req.header('x-custom')),
    referer: n(req.get('Referer')),
    referrer: n(req.get('Referrer')),
    contentType: n(req.get('content-type'))
  })
})
app.get('/req/accepts', (req, res) => {
  res.json({
    json: req.accepts('json'),
    html: req.accepts('html'),
    multi: req.accepts('json', 'html'),
    mime: req.accepts('text/plain', 'application/json'),
    all: req.accepts()
  })
})
app.get('/req/accepts-other', (req, res) => {
  res.json({
    encodings: req.acceptsEncodings(),
    gzip: req.acceptsEncodings('gzip', 'br'),
    charsets: req.acceptsCharsets(),
    utf8: req.acceptsCharsets('utf-8', 'iso-8859-1'),
    languages: req.acceptsLanguages(),
    en: req.acceptsLanguages('en', 'fr')
  })
})
app.all('/req/is', (req, res) => {
  res.json({
    json: req.is('json'),
    html: req.is('html'),
    appWildcard: req.is('application/*'),
    plusJson: req.is('+json'),
    multi: req.is('html', 'json'),
    full: req.is('application/json')
  })
})
app.get('/req/range', (req, res) => {
  const r = req.range(1000, { combine: req.query.combine === '1' })
  if (r === undefined) return res.json({ range: null })
  if (typeof r === 'number') return res.json({ range: r })
  res.json({ type: r.type, ranges: r.map((x) => ({ start: x.start, end: x.end })) })
})
app.get('/req/xhr', (req, res) => { res.json({ xhr: req.xhr }) })

function netInfo (req, res) {
  res.json({
    ip: req.ip,
    ips: req.ips,
    protocol: req.protocol,
    secure: req.secure,
    host: n(req.host),
    hostname: n(req.hostname),
    subdomains: req.subdomains
  })
}
app.get('/req/net', netInfo)

const trustAll = express()
trustAll.set('trust proxy', true)
trustAll.get('/net', netInfo)
app.use('/trust', trustAll)

const trustOne = express()
trustOne.set('trust proxy', 1)
trustOne.get('/net', netInfo)
app.use('/trust1', trustOne)

const trustLoopback = express()
trustLoopback.set('trust proxy', 'loopback')
trustLoopback.get('/net', netInfo)
app.use('/trustlb', trustLoopback)

const trustList = express()
trustList.set('trust proxy', '127.0.0.1, 198.51.100.0/24')
trustList.get('/net', netInfo)
app.use('/trustlist', trustList)

const trustFn = express()
trustFn.set('trust proxy', (addr, i) => i < 2)
trustFn.get('/net', netInfo)
app.use('/trustfn', trustFn)

const subOffset = express()
subOffset.set('subdomain offset', 1)
subOffset.get('/net', netInfo)
app.use('/suboffset', subOffset)

app.get('/req/fresh', (req, res) => {
  res.set('ETag', '"abc"')
  if (req.query.lm) res.set('Last-Modified', 'Wed, 01 Jan 2020 00:00:00 GMT')
  const result = { fresh: req.fresh, stale: req.stale }
  // end() skips send()'s freshness check, so the echo itself is never a 304
  res.type('json')
  res.end(JSON.stringify(result))
})

app.get('/settings', (req, res) => {
  res.json({
    env: req.app.get('env'),
    etag: req.app.get('etag'),
    queryParser: req.app.get('query parser'),
    jsonpName: req.app.get('jsonp callback name'),
    subdomainOffset: req.app.get('subdomain offset'),
    trustProxy: req.app.get('trust proxy'),
    poweredBy: req.app.enabled('x-powered-by'),
    strict: req.app.disabled('strict routing')
  })
})

// ---------------------------------------------------------------- §3 routing: path syntax
app.get('/rt/opt{/:x}', (req, res) => { res.json({ route: 'opt', params: req.params }) })
app.get('/rt/file{.:ext}', (req, res) => { res.json({ route: 'file', params: req.params }) })
app.get('/rt/pair/:a-:b', (req, res) => { res.json({ route: 'pair', params: req.params }) })
app.get('/rt/star/*rest', (req, res) => { res.json({ route: 'star', params: req.params }) })
app.get('/rt/zstar{/*rest}', (req, res) => { res.json({ route: 'zstar', params: req.params }) })
app.get('/rt/esc\\(x\\)', (req, res) => { res.json({ route: 'esc', params: req.params }) })
app.get('/rt/q/:"quoted-name"', (req, res) => { res.json({ route: 'quoted', params: req.params }) })
app.get(/^\/rt\/re\/(\d+)$/, (req, res) => { res.json({ route: 're', params: req.params }) })
app.get(/^\/rt\/named\/(?<id>\d+)$/, (req, res) => { res.json({ route: 'named', params: req.params }) })
app.get(['/rt/arr1', '/rt/arr2/:x'], (req, res) => { res.json({ route: 'arr', params: req.params }) })
app.get('/rt/case', (req, res) => { res.json({ route: 'case', path: req.path }) })
app.get('/rt/route/:id', (req, res) => { res.json({ routePath: req.route.path }) })
app.get('/rt/nested', [[(req, res, next) => { res.set('X-Nested', '1'); next() }], (req, res) => { res.send('nested arrays') }])

const strictRouter = express.Router({ strict: true })
strictRouter.get('/x', (req, res) => { res.send('strict x') })
strictRouter.get('/y/', (req, res) => { res.send('strict y/') })
app.use('/strict', strictRouter)

// Many literal routes, with a regex route and a use() prefix among them, a repeated path.
const manyRouter = express.Router()
for (let i = 0; i < 30; i++) {
  if (i === 25) manyRouter.get('/r25', (req, res, next) => { res.set('X-First', '1'); next('route') })
  else manyRouter.get('/r' + i, (req, res) => { res.send('r' + i) })
  if (i === 12) manyRouter.get(/^\/r\d+x$/, (req, res) => { res.send('regex') })
  if (i === 20) manyRouter.use('/r2', (req, res, next) => { res.set('X-Mw', req.baseUrl); next() })
}
manyRouter.get('/r25', (req, res) => { res.send('r25 again') })
manyRouter.post('/r25', (req, res) => { res.send('r25 post') })
app.use('/many', manyRouter)

const csRouter = express.Router({ caseSensitive: true })
csRouter.get('/Abc', (req, res) => { res.send('case Abc') })
app.use('/cs', csRouter)

const csApp = express()
csApp.set('case sensitive routing', true)
csApp.set('strict routing', true)
csApp.get('/Path/', (req, res) => { res.send('csapp Path/') })
app.use('/csapp', csApp)

const mergeRouter = express.Router({ mergeParams: true })
mergeRouter.get('/x/:id', (req, res) => { res.json(req.params) })
mergeRouter.get('/same/:mid', (req, res) => { res.json(req.params) })
app.use('/merge/:mid', mergeRouter)
const noMergeRouter = express.Router()
noMergeRouter.get('/x/:id', (req, res) => { res.json(req.params) })
app.use('/nomerge/:mid', noMergeRouter)

// ---------------------------------------------------------------- §3 next('route') / next('router')
app.get('/nr', (req, res, next) => { res.set('X-First', 'yes'); next('route') }, (req, res) => { res.send('skipped') })
app.get('/nr', (req, res) => { res.send('second route') })

const exitRouter = express.Router()
exitRouter.use((req, res, next) => { res.set('X-Router', 'left'); next('router') })
exitRouter.get('/x', (req, res) => { res.send('inside router') })
app.use('/nrr', exitRouter)
app.get('/nrr/x', (req, res) => { res.send('after router') })

const afterRouter = express.Router()
afterRouter.use((req, res, next) => { next(req.path === '/left' ? 'router' : undefined); res.set('X-After', 'set after next()') })
app.use('/after', afterRouter)
app.get('/after/:how', (req, res) => { res.send('app saw: ' + res.get('X-After')) })
app.get('/final-after', (req, res, next) => { next(); res.set('X-After', 'set after next()') })

app.get('/mwchain', (req, res, next) => { res.append('X-Step', 'a'); next() }, (req, res, next) => { res.append('X-Step', 'b'); next() })
app.get('/mwchain', (req, res) => { res.append('X-Step', 'c'); res.send('chained') })

// ---------------------------------------------------------------- §3 errors
app.get('/err/string', (req, res, next) => { next('boom') })
app.get('/err/error', (req, res, next) => { next(new Error('kaboom')) })
app.get('/err/throw', (req, res) => { throw new Error('thrown') })
app.get('/err/throw-chain', (req, res, next) => { res.set('X-Step', 'a'); next() },
  (req, res, next) => { throw new Error('thrown in chain') }, (req, res) => { res.send('skipped') })
app.get('/err/in-route', (req, res, next) => { throw new Error('in route') }, (req, res) => { res.send('skipped') },
  (err, req, res, next) => { res.status(418).send('route caught ' + err.message) })
app.get('/err/404', (req, res, next) => { next(statusError(404, 'nope')) })
app.get('/err/403-statuscode', (req, res, next) => {
  const err = new Error('forbidden')
  err.statusCode = 403
  next(err)
})
app.get('/err/418', (req, res, next) => { next(statusError(418, 'teapot')) })
app.get('/err/503', (req, res) => { throw statusError(503, 'down') })
app.get('/err/600', (req, res, next) => { next(statusError(600, 'weird')) })
app.get('/err/302', (req, res, next) => { next(statusError(302, 'redirecty')) })
app.get('/err/res-status', (req, res, next) => { res.status(404); next(new Error('plain')) })
app.get('/err/res-status-200', (req, res, next) => { res.status(201); next(new Error('plain')) })
app.get('/err/headers', (req, res, next) => {
  next(statusError(401, 'auth', { headers: { 'WWW-Authenticate': 'Basic realm="x"', 'X-Err': 'e' } }))
})
app.get('/err/headers-no-status', (req, res, next) => {
  const err = new Error('no status')
  err.headers = { 'X-Err': 'ignored' }
  next(err)
})
app.get('/err/kept-headers', (req, res, next) => {
  res.set('X-Before', 'kept')
  res.vary('Accept')
  res.set('Content-Language', 'en')
  next(statusError(400, 'bad'))
})
app.get('/err/head', (req, res, next) => { next(statusError(409, 'conflict')) })
app.get('/async/reject', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 5))
  throw new Error('async failure')
})
app.get('/async/reject-404', async (req, res) => { throw statusError(404, 'async missing') })
app.get('/async/ok', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 5))
  res.send('async ok')
})

const ehRouter = express.Router()
ehRouter.get('/throw', (req, res) => { throw new Error('router failure') })
ehRouter.get('/string', (req, res, next) => { next('plain string') })
ehRouter.get('/status', (req, res, next) => { next(statusError(422, 'unprocessable')) })
ehRouter.use((req, res, next) => { res.send('not reached for errors') })
ehRouter.use((err, req, res, next) => {
  if (typeof err === 'string') return res.status(500).send('handled string: ' + err)
  if (err.status) return next(err)
  res.status(500).send('handled: ' + err.message)
})
app.use('/eh', ehRouter)

const ehChain = express.Router()
ehChain.get('/x', (req, res) => { throw statusError(400, 'first') })
ehChain.use((err, req, res, next) => { res.set('X-Handler', 'one'); next(err) })
ehChain.use((err, req, res, next) => { res.status(err.status).json({ message: err.message, status: err.status }) })
app.use('/ehchain', ehChain)

// ---------------------------------------------------------------- §3 app.param
app.param('pid', (req, res, next, value, name) => {
  req.paramCalls = (req.paramCalls || 0) + 1
  req.paramSeen = name + '=' + value
  next()
})
app.get('/param/:pid', (req, res, next) => { next() })
app.get('/param/:pid', (req, res) => { res.json({ calls: req.paramCalls, seen: req.paramSeen, pid: req.params.pid }) })
app.param(['pa', 'pb'], (req, res, next, value, name) => {
  req.paramLog = (req.paramLog || []).concat(name + ':' + value)
  next()
})
app.get('/params2/:pa/:pb', (req, res) => { res.json({ log: req.paramLog }) })
app.param('bad', (req, res, next, value) => {
  if (value === 'fail') return next(statusError(400, 'bad param'))
  next()
})
app.get('/badparam/:bad', (req, res) => { res.send('param ok') })

// ---------------------------------------------------------------- §3 HEAD / OPTIONS / all / route
app.get('/headonly', (req, res) => { res.set('X-From', 'get').send('get body') })
app.head('/headonly', (req, res) => { res.set('X-From', 'head').send('head body') })
app.get('/opts', (req, res) => { res.send('get opts') })
app.post('/opts', (req, res) => { res.send('post opts') })
app.delete('/opts', (req, res) => { res.send('delete opts') })
app.options('/opts-custom', (req, res) => { res.set('Allow', 'X').send('custom options') })
app.all('/all', (req, res) => { res.send('all ' + req.method) })
app.route('/book')
  .get((req, res) => { res.send('get book') })
  .post((req, res) => { res.send('post book') })
  .all((req, res) => { res.send('other book ' + req.method) })
app.route('/book2')
  .get((req, res) => { res.send('get book2') })
  .put((req, res) => { res.send('put book2') })

// ---------------------------------------------------------------- extra edge cases
const noPoweredBy = express()
noPoweredBy.disable('x-powered-by')
noPoweredBy.get('/hello', (req, res) => { res.send('quirk') })
app.use('/nopb', noPoweredBy)

app.get('/err/599', (req, res, next) => { next(statusError(599, 'odd')) })
app.get('/err/499', (req, res, next) => { next(statusError(499, 'client closed')) })
const ehThrow = express.Router()
ehThrow.get('/x', (req, res) => { throw new Error('first') })
ehThrow.use((err, req, res, next) => { res.set('X-Saw', err.message); throw statusError(502, 'second') })
app.use('/ehthrow', ehThrow)
app.get('/set/ct-array', (req, res) => { res.set('Content-Type', ['text/html', 'text/plain']).send('never') })
app.get('/vary/preset', (req, res) => { res.set('Vary', 'Cookie'); res.vary('Accept').send('preset') })
app.get('/links/preset', (req, res) => { res.set('Link', '<x>; rel="a"'); res.links({ b: '/y' }).send('preset') })
app.get('/type/charset', (req, res) => { res.type('text/html; charset=iso-8859-1').send('charset') })
app.get('/stream/large', (req, res) => {
  res.type('txt')
  for (let i = 0; i < 100; i++) res.write(String(i % 10).repeat(1023) + '\n')
  res.end()
})
app.get('/stream/error', async (req, res) => {
  res.write('partial')
  await new Promise((resolve) => setTimeout(resolve, 5))
  throw new Error('after headers')
})
app.get('/next-after-send', (req, res, next) => { res.send('sent'); next() })
app.get('/set/latin1', (req, res) => { res.set('X-Latin', 'caf\u00e9').send('latin1 header') })
app.get('/set/snowman', (req, res) => { res.set('X-Snow', '\u2603').send('never') })
app.get('/set/crlf', (req, res) => { res.set('X-Bad', 'a\r\nX-Injected: 1').send('never') })
app.get('/set/bad-name', (req, res) => { res.set('Bad Name', 'v').send('never') })
app.get('/attach', (req, res) => { res.attachment(req.query.f).send('attached') })

// settings inheritance and req.app restoration around mounted apps
const innerApp = express()
innerApp.get('/obj', (req, res) => { res.json({ inherited: [1] }) })
innerApp.get('/where', (req, res) => { res.json({ mountpath: innerApp.mountpath, parentMount: innerApp.parent.mountpath, baseUrl: req.baseUrl }) })
jsonSpaces.use('/inner', innerApp)
jsonSpaces.use('/pass', (req, res, next) => { next() })
app.get('/jsonspaces/pass', (req, res) => { res.json({ restored: [1] }) })
const trustInner = express()
trustInner.get('/net', netInfo)
trustAll.use('/inner', trustInner)
infoApp.get('/where', (req, res) => { res.json({ mountpath: infoApp.mountpath, baseUrl: req.baseUrl }) })
app.use(['/ma', '/mb'], (req, res, next) => { if (req.path === '/echo') return res.json({ baseUrl: req.baseUrl, url: req.url }); next() })
app.get('/async/next', async (req, res, next) => {
  await new Promise((resolve) => setTimeout(resolve, 5))
  res.set('X-Async', 'next')
  next()
})
app.get('/async/next', (req, res) => { res.send('after async next') })
const paramRouter = express.Router()
paramRouter.param('slug', (req, res, next, value) => {
  if (value === 'throw') throw statusError(410, 'gone')
  req.slugUpper = value.toUpperCase()
  next()
})
paramRouter.get('/:slug', (req, res) => { res.json({ slug: req.params.slug, upper: req.slugUpper }) })
app.use('/prouter', paramRouter)

app.listen(port, '127.0.0.1', () => {
  console.log('express ready on ' + port)
})
