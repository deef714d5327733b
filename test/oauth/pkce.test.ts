import { createHash } from 'node:crypto'
import t from 'tap'
import { createCodeChallenge, createCodeVerifier, createState } from '../../lib/oauth/pkce.js'

t.test('a verifier has the 43 base64url characters Discord requires at least', async (t) => {
  const verifier = createCodeVerifier()
  t.match(verifier, /^[A-Za-z0-9_-]{43}$/)
  t.not(createCodeVerifier(), verifier, 'verifiers are random')
})

t.test('the challenge is the S256 hash of the verifier in base64url', async (t) => {
  const verifier = createCodeVerifier()
  t.equal(createCodeChallenge(verifier), createHash('sha256').update(verifier).digest('base64url'))
})

t.test('a state carries 128 random bits', async (t) => {
  t.match(createState(), /^[A-Za-z0-9_-]{22}$/)
  t.not(createState(), createState())
})
