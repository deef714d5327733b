import { HttpException } from '../errors/http-exception.js'
import type { BodyFieldType, BodyShape } from '../contracts/body-shape.js'
import type { FailedRequest } from './response-error.js'
import { MAX_TEXT_IN_ERROR, type RawResponse } from './transport.js'

/**
 * The one check of a successful (2xx) body before anyone uses it. Without a shape (a caller's
 * own `request()`), the body is handed over as it came (parsed JSON, text, or `undefined`), unless
 * it claimed JSON and did not parse. With a shape (every resource that builds a model or fills
 * the users cache), it must be JSON, parse, and have that shape: Discord's edge serves HTML pages
 * and empty bodies with 2xx during incidents, and one of them must not become a `User` or be
 * cached for minutes.
 *
 * @returns the body, when it passes
 * @throws HttpException (502) naming what was wrong, with the upstream status
 */
export function checkSuccessBody (res: RawResponse, shape: BodyShape | undefined, req: FailedRequest): unknown {
  const problem = res.malformed ? 'a malformed JSON body' : shape === undefined ? null : shapeProblem(res, shape)
  if (problem === null) return res.body
  const type = res.headers.get('content-type') ?? 'no content type'
  return fail(res, req, `Discord sent ${problem} (${type})${shape === undefined ? '' : ` where ${shape.name} was expected`}`)
}

function shapeProblem (res: RawResponse, shape: BodyShape): string | null {
  if (res.body === undefined) return shape.empty === true ? null : 'no body'
  if (!res.json) return 'a non-JSON body'
  const body = res.body
  if (shape.kind === 'list') {
    if (!Array.isArray(body)) return 'JSON that is not a list'
    return body.every((item) => hasFields(item, shape.fields)) ? null : 'a list with an item of the wrong shape'
  }
  return hasFields(body, shape.fields) ? null : 'JSON of the wrong shape'
}

const FIELD_CHECKS: Readonly<Record<BodyFieldType, (value: unknown) => boolean>> = {
  string: (value) => typeof value === 'string',
  array: Array.isArray,
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasFields (value: unknown, fields: Readonly<Record<string, BodyFieldType>>): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  for (const [name, type] of Object.entries(fields)) {
    const field = (value as Record<string, unknown>)[name]
    if (!FIELD_CHECKS[type](field)) return false
  }
  return true
}

function fail (res: RawResponse, req: FailedRequest, message: string): never {
  const body = typeof res.body === 'string' && res.body.length > MAX_TEXT_IN_ERROR ? `${res.body.slice(0, MAX_TEXT_IN_ERROR)}…` : res.body
  throw new HttpException({ status: res.status, discordCode: 0, message, body, method: req.method, url: req.path })
}
