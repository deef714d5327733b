import t from 'tap'
import { SessionMemo } from '../../lib/fastify/session-memo.js'

const opened = (json: string): { json: string, issuedAt: number, rotated: boolean } => ({ json, issuedAt: 1, rotated: false })

t.test('remembers what a value opened to, by the exact value', async (t) => {
  const memo = new SessionMemo({ max: 10, maxValueLength: 100 })
  memo.remember('abc.def', opened('{"a":1}'))
  t.same(memo.get('abc.def'), opened('{"a":1}'))
  t.equal(memo.get('abc.deF'), undefined, 'one changed character is another value')
  t.equal(memo.get('abc.de'), undefined)
  memo.forget('abc.def')
  t.equal(memo.get('abc.def'), undefined, 'forgotten')
  t.equal(memo.size, 0)
})

t.test('keeps at most `max` values, forgetting the oldest first', async (t) => {
  const memo = new SessionMemo({ max: 3, maxValueLength: 100 })
  for (const value of ['a', 'b', 'c', 'd', 'e']) memo.remember(value, opened(value))
  t.equal(memo.size, 3)
  t.same(['a', 'b', 'c', 'd', 'e'].map((value) => memo.get(value)?.json ?? null), [null, null, 'c', 'd', 'e'])
  memo.remember('c', opened('again'))
  t.equal(memo.size, 3, 'remembering a value again adds no entry')
  t.equal(memo.get('c')?.json, 'again')
})

t.test('a value longer than the bound is not remembered', async (t) => {
  const memo = new SessionMemo({ max: 3, maxValueLength: 4 })
  memo.remember('abcd', opened('{}'))
  memo.remember('abcde', opened('{}'))
  t.ok(memo.get('abcd') !== undefined)
  t.equal(memo.get('abcde'), undefined)
  t.equal(memo.size, 1)
})
