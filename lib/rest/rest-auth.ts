/** The credentials one REST call travels with. Tokens go into the `Authorization` header only. */
export type RestAuth =
  | { type: 'Bearer', token: string }
  | { type: 'Bot', token: string }
  | { type: 'None' }

/** The `Authorization` header value for `auth`, or `null` for `None`. */
export function authorizationHeader (auth: RestAuth): string | null {
  if (auth.type === 'None') return null
  if (auth.type !== 'Bearer' && auth.type !== 'Bot') {
    throw new TypeError('`auth.type` must be \'Bearer\', \'Bot\' or \'None\'')
  }
  if (typeof auth.token !== 'string' || auth.token.length === 0) {
    throw new TypeError(`\`auth.token\` must be a non-empty string for ${auth.type} auth`)
  }
  return `${auth.type} ${auth.token}`
}
