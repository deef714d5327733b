import { OAuth2Scopes } from 'discord-api-types/v10'
import { didYouMean } from './did-you-mean.js'

/** Discord's OAuth2 scopes as discord-api-types (pinned with `~`) lists them. */
export const KNOWN_SCOPES: readonly string[] = Object.values(OAuth2Scopes)

/**
 * What is wrong with the `scope` option's entries, one line per unknown scope, or nothing.
 * A typo such as `guild` would otherwise surface only at Discord, as an error page mid-login.
 *
 * @param scope - the entries, each already a non-empty string without spaces
 */
export function unknownScopes (scope: readonly string[]): string[] {
  return scope.filter((entry) => !KNOWN_SCOPES.includes(entry)).map((entry) => {
    const guess = didYouMean(entry, KNOWN_SCOPES)
    const shown = entry.length > 64 ? `${entry.slice(0, 64)}…` : entry
    return `\`scope\` has \`${shown}\`, which is not a Discord OAuth2 scope${guess === undefined ? '' : ` (did you mean \`${guess}\`?)`}`
  })
}
