import t from 'tap'
import { HttpException } from '../../lib/errors/http-exception.js'
import { checkSuccessBody } from '../../lib/rest/response-body.js'
import type { RawResponse } from '../../lib/rest/transport.js'
import { BodyShapes } from '../../lib/contracts/body-shapes.js'

const REQ = { method: 'GET', path: '/users/@me/guilds', route: 'GET /users/@me/guilds', bucket: null }

function res (body: unknown, json = true, type = 'application/json', extra: Partial<RawResponse> = {}): RawResponse {
  return { status: 200, headers: new Headers({ 'content-type': type }), body, json, malformed: false, ...extra }
}

t.test('hands over a body of the expected shape, and any body when none is expected', async (t) => {
  const guilds = [{ id: '1', name: 'a' }]
  t.equal(checkSuccessBody(res(guilds), BodyShapes.guilds, REQ), guilds)
  t.equal(checkSuccessBody(res('<html>', false, 'text/html'), undefined, REQ), '<html>')
  t.equal(checkSuccessBody(res(undefined, false), BodyShapes.addedMember, REQ), undefined, 'a 204 where nothing is an answer')
})

t.test('refuses with a 502 what is not JSON, does not parse, or has the wrong shape', async (t) => {
  const bad: Array<[RawResponse, RegExp]> = [
    [res('<!DOCTYPE html>', false, 'text/html'), /non-JSON body \(text\/html\) where a guild list was expected/],
    [res(undefined, false, ''), /no body/],
    [res({ id: '1' }), /not a list/],
    [res([{ id: '1', name: 'a' }, 'x']), /item of the wrong shape/],
    [res([{ id: 1, name: 'a' }]), /item of the wrong shape/],
    [res('{"id":', false, 'application/json', { malformed: true }), /malformed JSON/]
  ]
  for (const [response, message] of bad) {
    const err = t.throws(() => checkSuccessBody(response, BodyShapes.guilds, REQ)) as HttpException
    t.ok(err instanceof HttpException)
    t.equal(err.statusCode, 502)
    t.equal(err.status, 200)
    t.match(err.message, message)
  }
  t.throws(() => checkSuccessBody(res('{', false, 'application/json', { malformed: true }), undefined, REQ), /malformed/)
  t.throws(() => checkSuccessBody(res({ roles: {} }), BodyShapes.member, REQ), /wrong shape/)
  t.throws(() => checkSuccessBody(res({ application: [], scopes: [] }), BodyShapes.authorization, REQ), /wrong shape/)
  const long = checkSuccessBodyError(res('x'.repeat(5000), false, 'text/html'))
  t.ok(typeof long.body === 'string' && long.body.length < 5000, 'a long page is cut in the error')
})

function checkSuccessBodyError (response: RawResponse): HttpException {
  try {
    checkSuccessBody(response, BodyShapes.user, REQ)
  } catch (err) {
    return err as HttpException
  }
  throw new Error('expected a refusal')
}
