import type { APIApplication, OAuth2Scopes, RESTGetAPIOAuth2CurrentAuthorizationResult } from 'discord-api-types/v10'
import { imageURL } from './image-url.js'
import type { ImageURLOptions } from './image-url.js'
import type { ModelContext } from './model-context.js'
import { User } from './user.js'
import type { UserJSON } from './user.js'

/** The application the user authorized, as `GET /oauth2/@me` describes it. */
export interface AuthorizedApplication {
  id: string
  name: string | null
  iconHash: string | null
  /** `${cdn}/app-icons/{id}/{hash}.png`, or `null` without an icon. */
  iconUrl: string | null
  description: string | null
  botPublic: boolean | null
  botRequireCodeGrant: boolean | null
}

/** Plain, reply-safe form of an {@link Authorization}. */
export interface AuthorizationJSON {
  application: AuthorizedApplication
  scopes: OAuth2Scopes[]
  expires: string
  user: UserJSON | null
}

/** The current authorization (`GET /oauth2/@me`): granted scopes, expiry and application. */
export class Authorization {
  readonly #data: RESTGetAPIOAuth2CurrentAuthorizationResult
  readonly #context: ModelContext
  readonly #user: User | null

  constructor (data: RESTGetAPIOAuth2CurrentAuthorizationResult, context: ModelContext) {
    this.#data = data
    this.#context = context
    this.#user = data.user === undefined ? null : new User(data.user, { cdnBaseUrl: context.cdnBaseUrl })
  }

  /** The application the user authorized. */
  get application (): AuthorizedApplication {
    const app: Partial<APIApplication> = this.#data.application
    const id = app.id ?? ''
    return {
      id,
      name: app.name ?? null,
      iconHash: app.icon ?? null,
      iconUrl: this.applicationIconURL(),
      description: app.description ?? null,
      botPublic: app.bot_public ?? null,
      botRequireCodeGrant: app.bot_require_code_grant ?? null
    }
  }

  /**
   * The application's icon URL with a size or format, or `null` without an icon.
   *
   * @throws RangeError for a size that is not a power of two from 16 to 4096
   */
  applicationIconURL (options?: ImageURLOptions): string | null {
    const { id, icon } = this.#data.application
    return id === undefined || icon === undefined || icon === null ? null : imageURL(this.#context.cdnBaseUrl, ['app-icons', id], icon, options)
  }

  /** The scopes the user granted. */
  get scopes (): OAuth2Scopes[] { return [...this.#data.scopes] }
  /** When the access token expires. */
  get expires (): Date { return new Date(this.#data.expires) }
  /** The user, when the `identify` scope was granted. */
  get user (): User | null { return this.#user }

  /** Whether `scope` was granted. */
  hasScope (scope: string): boolean {
    return (this.#data.scopes as readonly string[]).includes(scope)
  }

  toJSON (): AuthorizationJSON {
    return {
      application: this.application,
      scopes: this.scopes,
      expires: this.expires.toISOString(),
      user: this.#user?.toJSON() ?? null
    }
  }
}
