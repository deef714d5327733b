/**
 * What a successful (2xx) answer of one Discord route must look like before a model is built
 * from it or the users cache keeps it. The resources say which shape they expect; the REST
 * client checks it (`checkSuccessBody()`), so the two layers share this type.
 */

/** The JSON type a field must have. */
export type BodyFieldType = 'string' | 'array' | 'object'

/** The expected shape of a 2xx body. */
export interface BodyShape {
  /** Names the payload in errors (`a user`, `a guild list`); part of the coalescing key, so keep it unique per shape. */
  readonly name: string
  /** An object, or an array of objects. */
  readonly kind: 'object' | 'list'
  /** Fields every object must have, with their JSON type. */
  readonly fields: Readonly<Record<string, BodyFieldType>>
  /** A 204 or an empty body is an answer too (resolves `undefined`). @defaultValue false */
  readonly empty?: boolean
}
