import { PermissionFlagsBits } from 'discord-api-types/v10'

/** Aliases discord-api-types keeps for renamed flags; the current name is listed instead. */
const DEPRECATED_NAMES: ReadonlySet<string> = new Set(['ManageEmojisAndStickers'])

/** [bit, name] of every flag, lowest bit first; one name per bit. */
const FLAG_NAMES: ReadonlyArray<readonly [bigint, string]> = (() => {
  const byBit = new Map<bigint, string>()
  for (const [name, bit] of Object.entries(PermissionFlagsBits)) {
    if (!DEPRECATED_NAMES.has(name)) byBit.set(bit, name)
  }
  const flags: Array<readonly [bigint, string]> = []
  for (let shift = 0n; shift < 128n; shift++) {
    const name = byBit.get(1n << shift)
    if (name !== undefined) flags.push([1n << shift, name])
  }
  return flags
})()

const ADMINISTRATOR = PermissionFlagsBits.Administrator

/** Options of {@link Permissions}. */
export interface PermissionsOptions {
  /** The member owns the guild, which grants every permission. @defaultValue false */
  owner?: boolean
}

/**
 * A permission bitfield (Discord sends it as a decimal string that exceeds 2^53, hence bigint).
 *
 * @example
 * ```ts
 * import { PermissionFlagsBits } from 'discord-api-types/v10'
 * guild.permissions.has(PermissionFlagsBits.ManageGuild)
 * ```
 */
export class Permissions {
  /** The raw bitfield. */
  readonly bitfield: bigint
  /** Whether the bitfield belongs to the guild owner, who has every permission. */
  readonly owner: boolean

  /**
   * @param value - the bitfield, as Discord's decimal string or a bigint
   * @throws RangeError when `value` is not a non-negative integer
   */
  constructor (value: string | bigint, options: PermissionsOptions = {}) {
    if (typeof value === 'string') {
      if (!/^\d{1,40}$/.test(value)) throw new RangeError(`Permissions must be a decimal string, got ${JSON.stringify(value.slice(0, 50))}`)
      this.bitfield = BigInt(value)
    } else {
      if (value < 0n) throw new RangeError('Permissions must not be negative')
      this.bitfield = value
    }
    this.owner = options.owner === true
  }

  /** Whether the Administrator bit is set (which grants every permission). */
  get isAdministrator (): boolean {
    return (this.bitfield & ADMINISTRATOR) === ADMINISTRATOR
  }

  /**
   * Whether every bit of `flag` is granted. The guild owner and Administrator have every permission.
   *
   * @param flag - one flag or several OR-ed together, e.g. `PermissionFlagsBits.ManageGuild`
   */
  has (flag: bigint): boolean {
    if (this.owner || this.isAdministrator) return true
    return (this.bitfield & flag) === flag
  }

  /**
   * Names (discord-api-types' `PermissionFlagsBits` keys) of the bits set in the bitfield, lowest
   * bit first. Lists what was granted explicitly: owner and Administrator imply the rest, see {@link has}.
   */
  toArray (): string[] {
    const names: string[] = []
    for (const [bit, name] of FLAG_NAMES) {
      if ((this.bitfield & bit) === bit) names.push(name)
    }
    return names
  }

  /** The bitfield as a decimal string, as Discord sends it. */
  toString (): string {
    return this.bitfield.toString()
  }

  /** The bitfield as a decimal string (bigint has no JSON form). */
  toJSON (): string {
    return this.bitfield.toString()
  }

  /** Same bitfield and owner flag. */
  equals (other: unknown): boolean {
    return other instanceof Permissions && other.bitfield === this.bitfield && other.owner === this.owner
  }
}
