/**
 * The demo in a real browser: Debian's Chromium driven by playwright-core (nothing downloads a
 * browser of its own). Missing Chromium fails the test in CI (CI=true) and skips it elsewhere.
 * The profile page's screenshot is saved to .tap/e2e/demo-browser/profile.png.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page, type Response } from 'playwright-core'
import t, { type Test } from 'tap'
import { ROOT, spawnScript } from '../examples/helpers/spawn-script.js'

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const SCREENSHOT_DIR = join(ROOT, '.tap', 'e2e', 'demo-browser')
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

/** A port free right now: the demo's redirect URI must name its port before it listens. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const TEST_NAME = 'a user logs in through the consent page, sees the profile, reloads, logs out, and can cancel'

if (!existsSync(CHROMIUM)) {
  const reason = `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH, or run scripts/setup-tests.sh to install Debian's chromium)`
  if (process.env['CI'] === 'true') t.fail(reason)
  else t.test(TEST_NAME, { skip: reason }, async () => {})
} else {
  t.test(TEST_NAME, async (t) => {
    const port = await freePort()
    const demo = await spawnScript(t, 'examples/demo.ts',
      { PORT: String(port), HOST: 'localhost', LOG_LEVEL: 'warn', DISCORD_CLIENT_ID: '' },
      /Demo example:\s+(http:\/\/\S+?)\/\s[\s\S]*Discord:.*\n/)
    const home = `${demo.match}/`
    t.equal(home, `http://localhost:${port}/`)
    t.match(demo.output(), /Fake Discord: http:\/\/127\.0\.0\.1:\d+/)

    const userDataDir = await mkdtemp(join(tmpdir(), 'fastify-discord-e2e-'))
    t.teardown(async () => rm(userDataDir, { recursive: true, force: true }))
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 900, height: 900 }
    })
    t.teardown(async () => context.close())
    context.setDefaultTimeout(10_000)
    const page = context.pages()[0] ?? await context.newPage()
    const serverErrors: string[] = []
    const notFound: string[] = []
    let lastPage = { status: 0, url: '' }
    page.on('response', (res: Response) => {
      if (res.status() >= 500) serverErrors.push(`${res.status()} ${res.url()}`)
      if (res.status() === 404) notFound.push(res.url())
      const request = res.request()
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) lastPage = { status: res.status(), url: res.url() }
    })

    // Home → "Log in with Discord" → the fake's consent page → Authorize → the profile.
    await page.goto(home)
    await page.getByRole('link', { name: 'Log in with Discord' }).click()
    await page.waitForURL(/\/oauth2\/authorize/)
    t.match(await page.locator('h1').textContent(), 'wants to access your account')
    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.waitForURL(`${home}me`)
    await checkProfile(t, page)
    await mkdir(SCREENSHOT_DIR, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'profile.png'), fullPage: true })

    // The session holds across a reload.
    const reloaded = await page.reload()
    t.equal(reloaded?.status(), 200)
    t.equal(page.url(), `${home}me`)
    await checkProfile(t, page)

    // The members-only page, for members of the seeded user's server.
    await page.getByRole('link', { name: 'Members-only page' }).click()
    await page.waitForURL(`${home}members`)
    t.equal(lastPage.status, 200)
    t.match(await page.locator('h1').innerText(), "Members of Nelly's Workshop")
    await page.goBack()
    await page.waitForURL(`${home}me`)

    // Log out: back home, logged out, and the profile sends the browser to the login again.
    await page.goto(home)
    t.match(await page.locator('h1').innerText(), 'Hello, Nelly!', 'the home page greets the user by name')
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(home)
    t.equal(await page.getByRole('link', { name: 'Log in with Discord' }).count(), 1)

    // Log in again and cancel at Discord: a friendly page, not an error.
    await page.getByRole('link', { name: 'Log in with Discord' }).click()
    await page.waitForURL(/\/oauth2\/authorize/)
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.waitForURL((url) => url.origin === new URL(home).origin)
    t.equal(lastPage.status, 200, 'the page after Cancel is not an error')
    t.equal(new URL(lastPage.url).pathname, '/', 'back on the home page')
    const body = await page.locator('body').innerText()
    t.match(body, 'You cancelled the login')
    t.notMatch(body, /\bat .+:\d+:\d+|Internal Server Error|"statusCode"/, 'no stack trace or raw error')
    t.equal(await page.getByRole('link', { name: 'Log in with Discord' }).count(), 1, 'the user can try again')

    t.same(serverErrors, [], 'no 5xx along the way')
    t.same(notFound, [], 'no 404 (such as a missing favicon) along the way')
  })
}

/** The natural width of an image of the page once it has loaded; 0 when it did not load. */
async function imageWidth (page: Page, selector: string): Promise<number> {
  const image = page.locator(selector)
  await image.waitFor()
  // Runs in the page; typed structurally because the project's tsconfig has no DOM library.
  return await image.evaluate(async (element) => {
    const img = element as unknown as { complete: boolean, naturalWidth: number, decode (): Promise<void> }
    if (!img.complete) await img.decode().catch(() => {})
    return img.naturalWidth
  })
}

async function checkProfile (t: Test, page: Page): Promise<void> {
  t.match(await page.locator('h1').innerText(), 'Nelly')
  t.ok(await imageWidth(page, 'img.avatar') > 0, 'the avatar image loaded')
  t.ok(await imageWidth(page, 'img.decoration') > 0, 'the avatar decoration loaded')
  t.ok(await imageWidth(page, '.tag img') > 0, 'the server tag badge loaded')
  t.match(await page.locator('.tag').innerText(), 'NELY')
  t.ok(await page.locator('ul.guilds li').count() >= 2, 'the guilds are listed')
  t.match(await page.locator('ul.guilds').innerText(), "Nelly's Workshop")
}
