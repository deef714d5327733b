import { createFakeDiscord, type FakeDiscord } from '../../../lib/testing/index.js'
import { RestClient, type RestClientOptions } from '../../../lib/rest/rest-client.js'
import { autoAdvance, fakeClock } from './fake-clock.js'

interface Teardown {
  teardown (fn: () => unknown): void
}

/** A fake Discord and a RestClient sharing one fake clock; waits advance the clock by themselves unless `manual`. */
export async function setupFake (t: Teardown, options: Partial<RestClientOptions> = {}, manual = false): Promise<{
  fake: FakeDiscord
  client: RestClient
  clock: ReturnType<typeof fakeClock>['clock']
  waits: number[]
  token: (scopes?: string[]) => string
}> {
  const { clock, restClock } = fakeClock()
  const fake = await createFakeDiscord({ clock: { now: () => clock.now } })
  t.teardown(() => fake.close())
  let onTheWire = 0
  const countingFetch = async (url: string, init: RequestInit): Promise<Response> => {
    onTheWire++
    try {
      return await fetch(url, init)
    } finally {
      onTheWire--
    }
  }
  const client = new RestClient({ apiBaseUrl: fake.pluginOptions.apiBaseUrl, clock: restClock, fetch: countingFetch, ...options })
  t.teardown(() => client.close())
  const waits = manual ? [] : autoAdvance(client, clock, () => onTheWire === 0)
  const token = (scopes = ['identify', 'guilds']): string => fake.issueToken(fake.seedUsers.migrated, scopes).access_token
  return { fake, client, clock, waits, token }
}
