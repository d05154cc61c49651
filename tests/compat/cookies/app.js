'use strict'
// Cookies suite of the differential compatibility tests: res.cookie, res.clearCookie and
// cookie-parser on Express 5.3.0. The same app as app.py (keep the two files in step).
// Run: NODE_ENV=production node app.js PORT

const express = require('express')
const cookieParser = require('cookie-parser')
const cookie = require('cookie')
const signature = require('cookie-signature')

const port = Number(process.argv[2] || 3000)
const app = express()

// undefined has no JSON form; Python's None is null, so echo undefined as null.
const n = (v) => (v === undefined ? null : v)

// Date.now() is frozen while a cookie is set so that Expires (from maxAge) is reproducible;
// app.py pins fastexpress.cookies._now_ms to the same instant.
const NOW = 1700000000123
function frozen (fn) {
  const real = Date.now
  Date.now = () => NOW
  try { return fn() } finally { Date.now = real }
}

// Each op sets cookies on res; a thrown error is echoed as {"error": message}.
const ops = {
  basic: (res) => res.cookie('name', 'tobi'),
  encoded: (res) => res.cookie('greeting', 'hello world; x=\u00e9 \u2603'),
  reserved: (res) => res.cookie('chars', "a-b_c.d!e~f*g'h(i)j+k/l?m#n&o=p,q\"r\\s"),
  emoji: (res) => res.cookie('u', '\u{1F600}'),
  object: (res) => res.cookie('user', { name: 'tobi', tags: ['a', 'b'], n: 1, ok: true, none: null }),
  array: (res) => res.cookie('list', [1, 'two', { three: 3 }]),
  null: (res) => res.cookie('nothing', null),
  unicode_object: (res) => res.cookie('u', { s: '\u00e9\u2603\u{1F600}' }),
  number: (res) => res.cookie('num', 42),
  float: (res) => res.cookie('flt', 1.5),
  bool: (res) => res.cookie('flag', false),
  empty: (res) => res.cookie('empty', ''),
  max_age: (res) => res.cookie('ma', 'v', { maxAge: 1000 }),
  max_age_camel: (res) => res.cookie('ma', 'v', { maxAge: 86400000 }),
  max_age_fraction: (res) => res.cookie('ma', 'v', { maxAge: 1500.9 }),
  max_age_zero: (res) => res.cookie('ma', 'v', { maxAge: 0 }),
  max_age_negative: (res) => res.cookie('ma', 'v', { maxAge: -5000 }),
  max_age_string: (res) => res.cookie('ma', 'v', { maxAge: '60000' }),
  max_age_bad: (res) => res.cookie('ma', 'v', { maxAge: 'abc' }),
  max_age_infinite: (res) => res.cookie('ma', 'v', { maxAge: Infinity }),
  max_age_huge: (res) => res.cookie('ma', 'v', { maxAge: 1e20 }),
  max_age_over_expires: (res) => res.cookie('ma', 'v', { maxAge: 2000, expires: new Date(Date.UTC(2030, 0, 2)) }),
  expires: (res) => res.cookie('ex', 'v', { expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)) }),
  expires_timestamp: (res) => res.cookie('ex', 'v', { expires: new Date(1700000000000) }),
  expires_epoch: (res) => res.cookie('ex', 'v', { expires: new Date(0) }),
  expires_millis: (res) => res.cookie('ex', 'v', { expires: new Date(1700000000999) }),
  expires_bad: (res) => res.cookie('ex', 'v', { expires: 'tomorrow' }),
  expires_invalid_date: (res) => res.cookie('ex', 'v', { expires: new Date(NaN) }),
  domain: (res) => res.cookie('d', 'v', { domain: '.example.com' }),
  domain_bad: (res) => res.cookie('d', 'v', { domain: 'exa mple.com' }),
  path: (res) => res.cookie('p', 'v', { path: '/admin' }),
  path_empty: (res) => res.cookie('p', 'v', { path: '' }),
  path_bad: (res) => res.cookie('p', 'v', { path: '/a;b' }),
  http_only: (res) => res.cookie('h', 'v', { httpOnly: true }),
  secure: (res) => res.cookie('s', 'v', { secure: true }),
  partitioned: (res) => res.cookie('pt', 'v', { partitioned: true, secure: true }),
  priority_high: (res) => res.cookie('pr', 'v', { priority: 'high' }),
  priority_low: (res) => res.cookie('pr', 'v', { priority: 'LOW' }),
  priority_medium: (res) => res.cookie('pr', 'v', { priority: 'Medium' }),
  priority_bad: (res) => res.cookie('pr', 'v', { priority: 'urgent' }),
  same_site_true: (res) => res.cookie('ss', 'v', { sameSite: true }),
  same_site_lax: (res) => res.cookie('ss', 'v', { sameSite: 'lax' }),
  same_site_none: (res) => res.cookie('ss', 'v', { sameSite: 'None', secure: true }),
  same_site_strict: (res) => res.cookie('ss', 'v', { sameSite: 'STRICT' }),
  same_site_false: (res) => res.cookie('ss', 'v', { sameSite: false }),
  same_site_bad: (res) => res.cookie('ss', 'v', { sameSite: 'sometimes' }),
  all: (res) => res.cookie('all', 'v', {
    sameSite: 'lax',
    priority: 'high',
    partitioned: true,
    secure: true,
    httpOnly: true,
    expires: new Date(Date.UTC(2030, 0, 2)),
    path: '/p',
    domain: 'example.com',
    maxAge: 3600000
  }),
  name_bad: (res) => res.cookie('bad name', 'v'),
  encode_identity: (res) => res.cookie('enc', 'a+b/c:d', { encode: (v) => v }),
  encode_custom: (res) => res.cookie('enc', 'abc', { encode: (v) => v.toUpperCase() + '-' }),
  encode_bad_value: (res) => res.cookie('enc', 'has space', { encode: (v) => v }),
  encode_not_function: (res) => res.cookie('enc', 'v', { encode: 'nope' }),
  multi: (res) => { res.cookie('a', '1'); res.cookie('b', '2', { httpOnly: true }) },
  append_existing: (res) => { res.append('Set-Cookie', 'pre=1'); res.cookie('post', '2') },
  set_then_cookie: (res) => { res.set('Set-Cookie', ['x=1', 'y=2']); res.cookie('z', 3) },
  chain: (res) => res.cookie('a', '1').cookie('b', '2').status(201),
  signed: (res) => res.cookie('user', 'tobi', { signed: true }),
  signed_object: (res) => res.cookie('user', { id: 7, roles: ['admin'] }, { signed: true }),
  signed_max_age: (res) => res.cookie('user', 'tobi', { signed: true, maxAge: 60000, httpOnly: true }),
  signed_unicode: (res) => res.cookie('user', 'J\u00fcrgen \u2603', { signed: true }),
  signed_false: (res) => res.cookie('user', 'tobi', { signed: false }),
  clear: (res) => res.clearCookie('name'),
  clear_path: (res) => res.clearCookie('name', { path: '/admin', domain: 'example.com' }),
  clear_ignores_max_age: (res) => res.clearCookie('name', { maxAge: 1000, expires: new Date(Date.UTC(2030, 0, 2)) }),
  clear_options: (res) => res.clearCookie('name', { httpOnly: true, secure: true, sameSite: 'lax', priority: 'low' }),
  clear_path_undefined: (res) => res.clearCookie('name', { path: undefined }),
  clear_signed: (res) => res.clearCookie('user', { signed: true }),
  clear_then_set: (res) => { res.clearCookie('old'); res.cookie('new', 'v', { maxAge: 1000 }) }
}

function runOp (req, res, next) {
  const op = ops[req.params.op]
  if (!op) return next()
  try {
    frozen(() => op(res))
  } catch (err) {
    return res.status(500).json({ error: err.message })
  }
  res.send('ok')
}

function echo (req, res) {
  res.json({ cookies: n(req.cookies), signed: n(req.signedCookies), secret: n(req.secret) })
}

app.get('/set/:op', runOp)
app.get('/sset/:op', cookieParser('s3cret'), runOp)
app.get('/bset/:op', cookieParser(['new-secret', 's3cret']), runOp)

app.get('/p', cookieParser(['s3cret', 'old-secret']), echo)
app.get('/none', cookieParser(), echo)
app.get('/str', cookieParser('only'), echo)
app.get('/dec', cookieParser('s3cret', { decode: (v) => v.toUpperCase() }), echo)
app.get('/twice', cookieParser('first'), cookieParser('second'), echo)
app.get('/raw', echo)

// Sign with res.cookie, read the Set-Cookie back with cookie.parse and verify it.
app.get('/roundtrip', cookieParser('s3cret'), (req, res) => {
  res.cookie('v', { q: req.query.v }, { signed: true })
  const header = res.get('Set-Cookie')
  const value = cookie.parse(header).v
  const verified = cookieParser.signedCookie(value, ['wrong', req.secret])
  res.json({ header, value, verified, parsed: n(cookieParser.JSONCookie(verified)) })
})

app.get('/helpers', (req, res) => {
  const good = 's:' + signature.sign('v', 'k')
  const obj = { a: good, b: 'plain', c: 's:v.bad', d: 'j:[1]' }
  const signed = cookieParser.signedCookies(obj, ['x', 'k'])
  res.json({
    jsonObject: n(cookieParser.JSONCookie('j:{"a":1}')),
    jsonBad: n(cookieParser.JSONCookie('j:nope')),
    jsonPlain: n(cookieParser.JSONCookie('plain')),
    jsonNumber: n(cookieParser.JSONCookie(42)),
    jsonCookies: cookieParser.JSONCookies({ a: 'j:[1]', b: 'j:0', c: 'x', d: 'j:""', e: 'j:{}' }),
    signedGood: n(cookieParser.signedCookie(good, 'k')),
    signedList: n(cookieParser.signedCookie(good, ['x', 'k'])),
    signedBad: n(cookieParser.signedCookie(good, 'x')),
    signedPlain: n(cookieParser.signedCookie('plain', 'k')),
    signedNotString: n(cookieParser.signedCookie(42, 'k')),
    signedNoSecret: n(cookieParser.signedCookie(good, '')),
    signedCookies: signed,
    leftOver: obj
  })
})

app.listen(port, '127.0.0.1', () => {
  console.log('express ready on ' + port)
})
