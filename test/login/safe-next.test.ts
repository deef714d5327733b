import t from 'tap'
import { safeNext } from '../../lib/login/safe-next.js'

t.test('keeps same-origin relative paths with their query and fragment', async (t) => {
  for (const path of ['/', '/profile', '/guilds?id=1&x=%2F#top', '/a/b/c']) t.equal(safeNext(path), path, path)
})

t.test('ignores anything that could leave the origin', async (t) => {
  const hostile = [
    '//evil.example', 'https://evil.example', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)',
    'evil.example', '/\t/evil.example', '/\n/evil.example', '', 'x'.repeat(10), `/${'a'.repeat(2048)}`, 42, null, undefined
  ]
  for (const value of hostile) t.equal(safeNext(value), null, JSON.stringify(value))
})
