import { ConnectionVisibility } from 'discord-api-types/v10'
import type { APIConnection, ConnectionService } from 'discord-api-types/v10'
import { Integration } from './integration.js'
import type { IntegrationJSON } from './integration.js'

/** Plain, reply-safe form of a {@link UserConnection}. */
export interface UserConnectionJSON {
  id: string
  name: string
  type: ConnectionService
  revoked: boolean
  integrations: IntegrationJSON[]
  verified: boolean
  friendSync: boolean
  showActivity: boolean
  twoWayLink: boolean
  visibility: ConnectionVisibility
  isVisible: boolean
}

/** An account the user linked to Discord (GitHub, Twitch, …), from `GET /users/@me/connections`. */
export class UserConnection {
  readonly #data: APIConnection

  constructor (data: APIConnection) {
    this.#data = data
  }

  /** The id of the account on the connected service (not a snowflake). */
  get id (): string { return this.#data.id }
  /** The account name on the connected service. */
  get name (): string { return this.#data.name }
  /** The service, e.g. `github`, `twitch`. */
  get type (): ConnectionService { return this.#data.type }
  get revoked (): boolean { return this.#data.revoked === true }
  /** The guild integrations backed by this connection (Twitch, YouTube subscriptions). */
  get integrations (): Integration[] {
    return (this.#data.integrations ?? []).map((integration) => new Integration(integration))
  }

  get verified (): boolean { return this.#data.verified === true }
  /** Friend sync is on for this connection. */
  get friendSync (): boolean { return this.#data.friend_sync === true }
  /** Activities of this connection show up in the user's presence. */
  get showActivity (): boolean { return this.#data.show_activity === true }
  /** The connection has a matching link on the other service. */
  get twoWayLink (): boolean { return this.#data.two_way_link === true }
  /** 0 visible only to the user, 1 visible to everyone. */
  get visibility (): ConnectionVisibility { return this.#data.visibility }
  /** The connection is shown to everyone (`visibility === 1`). */
  get isVisible (): boolean { return this.#data.visibility === ConnectionVisibility.Everyone }

  /** Same service and same account id. */
  equals (other: unknown): boolean {
    return other instanceof UserConnection && other.type === this.type && other.id === this.id
  }

  /** The account name. */
  toString (): string {
    return this.name
  }

  toJSON (): UserConnectionJSON {
    return {
      id: this.id,
      name: this.name,
      type: this.type,
      revoked: this.revoked,
      integrations: this.integrations.map((integration) => integration.toJSON()),
      verified: this.verified,
      friendSync: this.friendSync,
      showActivity: this.showActivity,
      twoWayLink: this.twoWayLink,
      visibility: this.visibility,
      isVisible: this.isVisible
    }
  }
}
