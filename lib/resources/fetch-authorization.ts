import type { RESTGetAPIOAuth2CurrentAuthorizationResult } from 'discord-api-types/v10'
import { Authorization } from '../models/authorization.js'
import type { ResourceContext, ResourceSession } from './resource-types.js'
import { BodyShapes } from '../contracts/body-shapes.js'

/**
 * The session's current authorization (`GET /oauth2/@me`): granted scopes, token expiry, the
 * application, and the user when `identify` was granted. Needs no particular scope. Not cached.
 *
 * @throws Unauthorized, RateLimited, HttpException
 */
export async function fetchAuthorization (session: ResourceSession, ctx: ResourceContext): Promise<Authorization> {
  const data = await session.request<RESTGetAPIOAuth2CurrentAuthorizationResult>('/oauth2/@me', { expect: BodyShapes.authorization })
  return new Authorization(data, { cdnBaseUrl: ctx.cdnBaseUrl })
}
