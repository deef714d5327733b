import type { BodyShape } from './body-shape.js'

/**
 * What each route's 2xx body must look like before its model is built or it is cached: the
 * fields the models and the cache read without checking. The REST client refuses anything else
 * with a 502 (`checkSuccessBody()`).
 */
export const BodyShapes = {
  user: { name: 'a user', kind: 'object', fields: { id: 'string', username: 'string' } },
  guilds: { name: 'a guild list', kind: 'list', fields: { id: 'string', name: 'string' } },
  connections: { name: 'a connection list', kind: 'list', fields: { id: 'string', type: 'string' } },
  member: { name: 'a guild member', kind: 'object', fields: { roles: 'array' } },
  addedMember: { name: 'a guild member or nothing', kind: 'object', fields: { roles: 'array' }, empty: true },
  authorization: { name: 'an authorization', kind: 'object', fields: { application: 'object', scopes: 'array' } }
} as const satisfies Record<string, BodyShape>
