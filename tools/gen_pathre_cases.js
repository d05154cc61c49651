#!/usr/bin/env node
// Regenerates the expected values used by fastexpress/pathre.py and tests/test_pathre.py by
// running the real path-to-regexp 8.x + router 2.x Layer code (the versions Express 5 uses).
//
//   node tools/gen_pathre_cases.js            rewrite the GENERATED block of tests/test_pathre.py
//   node tools/gen_pathre_cases.js --tables   rewrite the Unicode tables in fastexpress/pathre.py
//   node tools/gen_pathre_cases.js --print    print the test block instead of writing it
//
// Set EXPRESS_NODE_MODULES to a node_modules dir holding router/ and path-to-regexp/ (an install
// of express@5); default /tmp/expr/node_modules.
'use strict'

const fs = require('fs')
const path = require('path')

const NM = process.env.EXPRESS_NODE_MODULES || '/tmp/expr/node_modules'
const ROOT = path.resolve(__dirname, '..')

function spliceBlock (file, begin, end, body) {
  const text = fs.readFileSync(file, 'utf8')
  const i = text.indexOf(begin)
  const j = text.indexOf(end)
  if (i < 0 || j < i) throw new Error(`markers not found in ${file}`)
  const head = text.slice(0, text.indexOf('\n', i) + 1)
  const tail = text.slice(text.lastIndexOf('\n', j) + 1)
  fs.writeFileSync(file, head + body + tail)
}

// Python string literals: JSON string syntax is a subset Python accepts (astral chars stay raw).
const py = (s) => JSON.stringify(s)

// ---------------------------------------------------------------------------------------------
// --tables: the Unicode data path-to-regexp's parser and JS's case-insensitive RegExp matching
// depend on, taken from this Node's ICU so Python's (older) unicodedata does not leak in.
// ---------------------------------------------------------------------------------------------
function tables () {
  const ID_START = /^[$_\p{ID_Start}]$/u
  const ID_CONTINUE = /^[$\u200c\u200d\p{ID_Continue}]$/u
  // Ranges as base-36 "gap span" pairs: gap from the previous range's end + 1, span = end - start.
  function ranges (re) {
    const out = []
    let start = -1
    let prevEnd = -1
    for (let cp = 0; cp <= 0x110000; cp++) {
      const ok = cp < 0x110000 && !(cp >= 0xd800 && cp <= 0xdfff) && re.test(String.fromCodePoint(cp))
      if (ok && start < 0) start = cp
      if (!ok && start >= 0) {
        out.push((start - prevEnd - 1).toString(36), (cp - 1 - start).toString(36))
        prevEnd = cp - 1
        start = -1
      }
    }
    return out.join(' ')
  }
  // Canonicalize() of ECMA-262 for a non-unicode, ignoreCase RegExp (what /.../i does):
  // toUpperCase of the code unit, unless that is not one code unit or maps non-ASCII to ASCII.
  // Stored as runs "start end step delta" (base 36): every step-th unit maps to unit + delta.
  const runs = []
  for (let c = 0; c < 0x10000; c++) {
    const u = String.fromCharCode(c).toUpperCase()
    if (u.length !== 1) continue
    const cu = u.charCodeAt(0)
    if (cu === c || (c >= 128 && cu < 128)) continue
    const d = cu - c
    const last = runs[runs.length - 1]
    if (last && last[3] === d && (last[2] === 0 || c - last[1] === last[2]) && (c - last[1] === 1 || c - last[1] === 2)) {
      last[2] = c - last[1]
      last[1] = c
    } else {
      runs.push([c, c, 0, d])
    }
  }
  const canon = runs.map((r) => r.map((n) => n.toString(36)).join(' ')).join(' ')
  const wrap = (s) => {
    const lines = []
    for (let i = 0; i < s.length; i += 96) lines.push('    ' + py(s.slice(i, i + 96)))
    return '(\n' + lines.join('\n') + '\n)'
  }
  const body =
    `# Node ${process.version}, ICU ${process.versions.icu}, Unicode ${process.versions.unicode}\n` +
    `_ID_START_RANGES = ${wrap(ranges(ID_START))}\n` +
    `_ID_CONTINUE_RANGES = ${wrap(ranges(ID_CONTINUE))}\n` +
    `_CANON_RUNS = ${wrap(canon)}\n`
  spliceBlock(path.join(ROOT, 'fastexpress/pathre.py'), '# BEGIN GENERATED UNICODE TABLES', '# END GENERATED UNICODE TABLES', body)
}

if (process.argv.includes('--tables')) {
  tables()
  process.exit(0)
}

// ---------------------------------------------------------------------------------------------
// Test cases
// ---------------------------------------------------------------------------------------------
const Layer = require(path.join(NM, 'router/lib/layer'))

// A path is a string, a RegExp paired with its Python spelling, or an array of those.
const R = (js, pySrc) => ({ js, py: pySrc })
function jsPath (p) {
  if (Array.isArray(p)) return p.map(jsPath)
  return typeof p === 'string' ? p : p.js
}
function pyPath (p) {
  if (Array.isArray(p)) return '[' + p.map(pyPath).join(', ') + ']'
  return typeof p === 'string' ? py(p) : p.py
}

const ROUTE = { end: true }
const STRICT = { end: true, strict: true }
const SENS = { end: true, sensitive: true }
const USE = { end: false }
const USE_STRICT = { end: false, strict: true }
const USE_SENS = { end: false, sensitive: true }

// [path, options, inputs]
const MATCH_CASES = [
  // --- :name matches [^/]+, case-insensitive, optional trailing slash ---
  ['/users/:id', ROUTE, ['/users/42', '/users/42/', '/users/', '/users', '/users/42/x', '/USERS/42', '/users/42//', '/users/a.b-c~d']],
  ['/users/:id', STRICT, ['/users/42', '/users/42/']],
  ['/users/:id', SENS, ['/users/42', '/Users/42']],
  ['/:a/:b', ROUTE, ['/x/y', '/x/y/', '/x', '/x/y/z']],
  ['/:café/:$dollar_1', ROUTE, ['/a/b']],
  // --- percent-decoding (router decodeParam: decodeURIComponent, + kept) ---
  ['/users/:id', ROUTE, ['/users/a%20b', '/users/a+b', '/users/%2F', '/users/%2f%2B', '/users/caf%C3%A9', '/users/%F0%9F%98%80',
    '/users/%E0%A4%A', '/users/%zz', '/users/%', '/users/%C3%41', '/users/%ED%A0%80', '/users/%C0%80', '/users/%EF%BF%BF', '/users/100%25']],
  // --- { } optional groups ---
  ['/opt{/:id}', ROUTE, ['/opt', '/opt/', '/opt/5', '/opt/5/', '/opt/5/6']],
  ['/a{/:b}{/:c}', ROUTE, ['/a', '/a/1', '/a/1/2', '/a/1/2/3']],
  ['/a{/b{/c}}', ROUTE, ['/a', '/a/b', '/a/b/c', '/a/c']],
  ['/file{.:ext}', ROUTE, ['/file', '/file.', '/file.txt', '/file.tar.gz', '/FILE.TXT']],
  ['/:file{.:ext}', ROUTE, ['/a.b.c', '/abc', '/.x']],
  ['{/:lang}/docs', ROUTE, ['/docs', '/en/docs', '/en/fr/docs']],
  ['/x{-:y}-z', ROUTE, ['/x-z', '/x-1-z', '/x-1-2-z']],
  // --- wildcards ---
  ['/star/*rest', ROUTE, ['/star/a/b/c', '/star/a', '/star/', '/star', '/star/a/b/', '/star/a%2Fb/c%20d', '/star/a//b', '/star/%E0%A4%A/x']],
  ['/star{/*rest}', ROUTE, ['/star', '/star/', '/star/a/b', '/starx']],
  ['/*path.:ext', ROUTE, ['/a/b.c.d', '/a.b', '/x/y']],
  ['/:name.*rest', ROUTE, ['/a.b/c.d', '/a.b']],
  ['/*a/*b', ROUTE, ['/1/2/3', '/1/2']],
  ['/*a/:b/*c', ROUTE, ['/1/2/3/4/5']],
  ['/*a-:b', ROUTE, ['/x-y-z', '/p/q-r']],
  ['/:a-*b', ROUTE, ['/x-y-z/w']],
  ['/*a.*b', ROUTE, ['/x.y.z/w.v']],
  ['*all', ROUTE, ['/', '/anything/at/all', '']],
  ['/*splat', USE, ['/a/b', '/']],
  // --- multiple params in one segment (backtracking rules) ---
  ['/:a-:b', ROUTE, ['/x-y-z', '/x-y', '/-x', '/x-', '/x--y']],
  ['/:a-:b-:c', ROUTE, ['/1-2-3-4', '/1-2-3']],
  ['/:a.:b', ROUTE, ['/a.b.c', '/x.y']],
  ['/:from-:to.:fmt', ROUTE, ['/a-b.json', '/a-b-c.d.e']],
  ['/:a..:b', ROUTE, ['/x..y', '/x.y..z', '/x...y']],
  ['/:a/x-:b', ROUTE, ['/1/x-2', '/1/x-']],
  // --- escapes and quoted names ---
  ['/\\(paren\\)', ROUTE, ['/(paren)', '/paren']],
  ['/a\\:b', ROUTE, ['/a:b']],
  ['/a\\*\\?\\+', ROUTE, ['/a*?+']],
  ['/\\{x\\}', ROUTE, ['/{x}']],
  ['/:"quoted-name"', ROUTE, ['/v']],
  ['/:"with\\"quote"/*"splat name"', ROUTE, ['/v/a/b']],
  ['/:"0"/:"b"/:"1"', ROUTE, ['/x/y/z']],
  ['/$price/:id.json', ROUTE, ['/$price/1.json', '/$PRICE/1.JSON']],
  ['/a.b/c^d|e', ROUTE, ['/a.b/c^d|e', '/axb/c^d|e']],
  ['/sp ace/#hash', ROUTE, ['/sp ace/#hash', '/SP ACE/#HASH']],
  // --- literal / static paths ---
  ['/', ROUTE, ['/', '//', '', '/a']],
  ['/', STRICT, ['/', '//']],
  ['', ROUTE, ['', '/', '/a']],
  ['/about', ROUTE, ['/about', '/about/', '/About', '/about//', '/about/x', '/abou']],
  ['/about', STRICT, ['/about', '/about/']],
  ['/about/', ROUTE, ['/about', '/about/', '/about//']],
  ['/about/', STRICT, ['/about', '/about/', '/about//']],
  ['/about//', ROUTE, ['/about', '/about/']],
  ['/Foo', SENS, ['/Foo', '/foo', '/FOO', '/Foo/']],
  ['/Foo', { end: true, sensitive: true, strict: true }, ['/Foo', '/Foo/']],
  ['/caf\u00e9', ROUTE, ['/caf\u00e9', '/CAF\u00c9', '/cafe']],
  ['/\u00df', ROUTE, ['/\u00df', '/SS', '/\u1e9e']],
  ['/k/s', ROUTE, ['/K/S', '/\u212a/s', '/k/\u017f']],
  ['/\u212a', ROUTE, ['/\u212a', '/k', '/K']],
  ['/\u01c5', ROUTE, ['/\u01c4', '/\u01c5', '/\u01c6']],
  ['/\u{1d49c}', ROUTE, ['/\u{1d49c}']],
  ['/\u0130/:x', ROUTE, ['/i/1', '/\u0130/1', '/I/1']],
  ['/a-:\u00e9', ROUTE, ['/A-\u00c9', '/a-\u00e9']],
  ['/:x-\u00e9', ROUTE, ['/1-\u00c9-\u00e9', '/1-2\u00e9-\u00c9']],
  // --- prefix matching (use) ---
  ['/mw', USE, ['/mw', '/mw/', '/mw/a', '/mwx', '/MW/a', '/mw//a', '/m', '']],
  ['/mw/', USE, ['/mw', '/mw/a']],
  ['/mw/', USE_STRICT, ['/mw', '/mw/', '/mw/a', '/mw//a']],
  ['/mw', USE_STRICT, ['/mw', '/mw/', '/mw/a']],
  ['/mw', USE_SENS, ['/mw/a', '/MW/a']],
  ['/', USE, ['/', '/anything', '', 'x']],
  ['/', USE_STRICT, ['/x']],
  [['/'], USE, ['/', '/foo']],
  ['/u/:id', USE, ['/u/1', '/u/1/', '/u/1/edit', '/u/1x', '/u']],
  ['/u{/:id}', USE, ['/u', '/u/1/x']],
  ['/u/*rest', USE, ['/u/a/b', '/u/a/']],
  ['', USE, ['', '/', '/x', 'x']],
  // --- RegExp paths ---
  [R(/^\/re\/(\d+)$/, 're.compile(r"^/re/(\\d+)$")'), ROUTE, ['/re/42', '/re/x', '/RE/42']],
  [R(/^\/re\/(\d+)$/i, 're.compile(r"^/re/(\\d+)$", re.I)'), ROUTE, ['/RE/42']],
  [R(/abc/, 're.compile(r"abc")'), ROUTE, ['/xabcx', '/ABC']],
  [R(/^\/(?<name>\w+)\/(\d+)/, 're.compile(r"^/(?P<name>\\w+)/(\\d+)")'), ROUTE, ['/bob/7/extra']],
  [R(/^\/(\w+)\/(?<n>\d+)$/, 're.compile(r"^/(\\w+)/(?P<n>\\d+)$")'), ROUTE, ['/bob/7']],
  [R(/^\/a(b)?(c)$/, 're.compile(r"^/a(b)?(c)$")'), ROUTE, ['/ac', '/abc']],
  [R(/^\/(?:x|(y))(z)?$/, 're.compile(r"^/(?:x|(y))(z)?$")'), ROUTE, ['/x', '/yz']],
  [R(/^\/d\/(.*)$/, 're.compile(r"^/d/(.*)$")'), ROUTE, ['/d/%41%2F+', '/d/', '/d/%E0%A4%A']],
  [R(/^\/q\((?<n>\w+)\)$/, 're.compile(r"^/q\\((?P<n>\\w+)\\)$")'), ROUTE, ['/q(v)']],
  [R(/^\/lit\(x\)\/(\d+)$/, 're.compile(r"^/lit\\(x\\)/(\\d+)$")'), ROUTE, ['/lit(x)/9']],
  [R(/^\/(?=a)(\w)(?!b)/, 're.compile(r"^/(?=a)(\\w)(?!b)")'), ROUTE, ['/ac', '/ab']],
  [R(/^\/mw/, 're.compile(r"^/mw")'), USE, ['/mwx/y']],
  [R(/^\/(a)?(?<n>b)?(c)?$/, 're.compile(r"^/(a)?(?P<n>b)?(c)?$")'), ROUTE, ['/abc', '/b', '/', '/ac']],
  [R(/^\/[(](?<x>\w)(\d)/, 're.compile(r"^/[(](?P<x>\\w)(\\d)")'), ROUTE, ['/(a1']],
  [R(/\/(?<p>%\w\w)/, 're.compile(r"/(?P<p>%\\w\\w)")'), ROUTE, ['/%41', '/%zz']],
  [R(/^\/(\d+)\/(?<__proto__>\w+)$/, 're.compile(r"^/(\\d+)/(?P<__proto__>\\w+)$")'), ROUTE, ['/1/a']],
  // --- arrays ---
  [['/a', '/b/:id', R(/^\/c(\d)/, 're.compile(r"^/c(\\d)")')], ROUTE, ['/a', '/b/2', '/c5x', '/d', '/A/']],
  [['/p/:x', '/p/:y'], ROUTE, ['/p/1']],
  [[['/n1', ['/n2/:k']], '/n3'], ROUTE, ['/n2/v', '/n3', '/n1/']],
  [['/', '/x'], USE, ['/x/y', '/y']],
  [[], ROUTE, ['/']],
  [['/s/'], STRICT, ['/s', '/s/']],
]

const ERROR_CASES = [
  ['/opt/:id?', ROUTE],
  ['/star/*', ROUTE],
  ['*', ROUTE],
  ['/:', ROUTE],
  ['/:1abc', ROUTE],
  ['/a+', ROUTE],
  ['/(a)', ROUTE],
  ['/a)', ROUTE],
  ['/[a]', ROUTE],
  ['/a]', ROUTE],
  ['/a!', ROUTE],
  ['/a}', ROUTE],
  ['/{a', ROUTE],
  ['/{a{b}', ROUTE],
  ['/:"abc', ROUTE],
  ['/:"ab\\"', ROUTE],
  ['/:""', ROUTE],
  ['/a\\', ROUTE],
  ['/foo\\/', ROUTE],
  ['/:a:b', STRICT],
  ['/*a*b', ROUTE],
  ['/*a:b', ROUTE],
  ['/:a{:b}', ROUTE],
  ['{a}{b}{c}{d}{e}{f}{g}{h}{i}', ROUTE],
  ['/x/:a?/:b', ROUTE],
  ['/caf\u00e9/:\u{1d49c}?', ROUTE],
  [['/ok', '/bad/:'], ROUTE],
  ['/*', USE],
]

const VALID_CASES = [
  ['{a}{b}{c}{d}{e}{f}{g}{h}', ROUTE, ['/', 'abcdefgh', 'aceg', '']],
  ['/foo\\/', STRICT, ['/foo/', '/foo']],
]

function layerOf (p, o) {
  return new Layer(jsPath(p), { end: o.end, strict: !!o.strict, sensitive: !!o.sensitive }, function noop () {})
}

function optsPy (o) {
  return `${o.end ? 'True' : 'False'}, ${o.strict ? 'True' : 'False'}, ${o.sensitive ? 'True' : 'False'}`
}

function expectPy (layer, input) {
  let m
  try {
    m = layer.match(input)
  } catch (err) {
    return `ERR(${py(err.message)}, ${err.status})`
  }
  if (!m) return 'NO'
  const params = Object.keys(m.params).map((k) => {
    const v = m.params[k]
    return `(${py(k)}, ${Array.isArray(v) ? '[' + v.map(py).join(', ') + ']' : py(v)})`
  })
  return `M(${py(m.path)}, [${params.join(', ')}])`
}

const lines = []
lines.push('MATCH_ROWS: list[Row] = [')
lines.push('    # (path, end, strict, sensitive, input, expected)')
for (const [p, o, inputs] of [...MATCH_CASES, ...VALID_CASES]) {
  let layer
  try {
    layer = layerOf(p, o)
  } catch (err) {
    throw new Error(`${JSON.stringify(jsPath(p))} failed to compile: ${err.message}`)
  }
  for (const input of inputs) {
    lines.push(`    (${pyPath(p)}, ${optsPy(o)}, ${py(input)}, ${expectPy(layer, input)}),`)
  }
}
lines.push(']')
lines.push('')
lines.push('ERROR_ROWS: list[ErrRow] = [')
lines.push('    # (path, end, strict, sensitive, PathError message)')
for (const [p, o] of ERROR_CASES) {
  let msg = null
  try {
    layerOf(p, o)
  } catch (err) {
    msg = err.message
  }
  if (msg === null) throw new Error(`expected an error for ${JSON.stringify(jsPath(p))}`)
  lines.push(`    (${pyPath(p)}, ${optsPy(o)}, ${py(msg)}),`)
}
lines.push(']')
const block = lines.join('\n') + '\n'

if (process.argv.includes('--print')) {
  process.stdout.write(block)
} else {
  spliceBlock(path.join(ROOT, 'tests/test_pathre.py'), '# BEGIN GENERATED', '# END GENERATED', block)
}
