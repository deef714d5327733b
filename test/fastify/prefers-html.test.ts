import t from 'tap'
import { prefersHtml } from '../../lib/fastify/prefers-html.js'

t.test('browsers navigating to a page prefer HTML', async (t) => {
  t.ok(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'), 'Chromium')
  t.ok(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'), 'Firefox')
  t.ok(prefersHtml('text/html'))
  t.ok(prefersHtml('TEXT/HTML'), 'media types are case-insensitive')
  t.ok(prefersHtml('text/*'))
  t.ok(prefersHtml(['text/plain;q=0.2', 'text/html']), 'a header repeated across lines')
})

t.test('API clients, no header and wildcards prefer JSON', async (t) => {
  t.notOk(prefersHtml(undefined))
  t.notOk(prefersHtml(''))
  t.notOk(prefersHtml('*/*'), 'curl and fetch')
  t.notOk(prefersHtml('application/json'))
  t.notOk(prefersHtml('application/json, text/plain, */*'), 'axios')
  t.notOk(prefersHtml('image/png'))
})

t.test('quality values decide, and quality 0 means not acceptable', async (t) => {
  t.notOk(prefersHtml('text/html;q=0.5, application/json'))
  t.ok(prefersHtml('application/json;q=0.5, text/html'))
  t.notOk(prefersHtml('text/html;q=0'))
  t.notOk(prefersHtml('text/html;q=0, */*'))
  t.notOk(prefersHtml('*/*;q=0.9, text/html;q=0'), 'the most specific range wins even with a lower weight')
  t.ok(prefersHtml('*/*;q=0.1, text/html;q=0.2'))
  t.ok(prefersHtml('text/html;q=1.5, application/json;q=0.9'), 'weights above 1 are clamped')
  t.ok(prefersHtml('text/html;q=oops, application/json;q=0.9'), 'an unreadable weight counts as the default 1')
  t.ok(prefersHtml('text/html;q=, application/json;q=0.9'))
  t.ok(prefersHtml('text/html;q, application/json;q=0.9'))
})

t.test('on equal quality the more specific range, then the first listed, wins', async (t) => {
  t.ok(prefersHtml('text/html, */*'))
  t.notOk(prefersHtml('text/*, application/json'), 'application/json is more specific than text/*')
  t.ok(prefersHtml('text/html, application/json'))
  t.notOk(prefersHtml('application/json, text/html'))
})

t.test('ranges with media type parameters do not apply to plain text/html, and malformed entries are skipped', async (t) => {
  t.notOk(prefersHtml('text/html;level=1'))
  t.ok(prefersHtml('text/html;level=1, text/html;q=0.7, */*;q=0.5'))
  t.ok(prefersHtml('text/html;q=0.9;ext=1, application/json;q=0.8'), 'parameters after q are extensions')
  t.notOk(prefersHtml('html, /html, text/, application/json'))
  t.ok(prefersHtml('garbage, text/html'))
  t.ok(prefersHtml('text/html; ;'), 'empty parameters are ignored')
})
