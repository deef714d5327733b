/**
 * Target E, what most Discord dashboard tutorials use: Express + express-session (its default
 * MemoryStore) + passport + passport-discord. `GET /me` is guarded by `req.isAuthenticated()`
 * and answers `req.user`, deserialized from the session on every request (a Map lookup).
 *
 * `GET /bench/login` is a test-only route that calls `req.login(user)` with a fixed user, as
 * passport-discord's verify callback would after a real login: the harness measures the
 * authorized request, not the login.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import express from 'express'
import type { NextFunction, Request, Response } from 'express'
import session from 'express-session'
import passport from 'passport'
import DiscordStrategy from 'passport-discord'
import { serveNode } from './child.js'
import { BENCH_PROFILE } from './fixture.js'
import type { BenchProfile } from './fixture.js'

const users = new Map<string, BenchProfile>([[BENCH_PROFILE.id, BENCH_PROFILE]])
const authenticator = new passport.Passport()
authenticator.use('discord', new DiscordStrategy({
  clientID: '1',
  clientSecret: 'bench-client-secret',
  callbackURL: 'http://127.0.0.1/auth/discord/callback',
  scope: ['identify']
}, (_accessToken, _refreshToken, profile, done) => { done(null, users.get(profile.id)) }))
authenticator.serializeUser((user, done) => { done(null, (user as BenchProfile).id) })
authenticator.deserializeUser((id: string, done) => { done(null, users.get(id) ?? false) })

const app = express()
app.disable('x-powered-by')
app.use(session({ secret: randomBytes(32).toString('hex'), resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }))
app.use(authenticator.initialize())
app.use(authenticator.session())

function ensureAuthenticated (req: Request, res: Response, next: NextFunction): void {
  if (req.isAuthenticated()) {
    next()
    return
  }
  res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'Log in first' })
}

app.get('/bench/login', (req, res, next) => {
  req.login(BENCH_PROFILE, (err) => {
    if (err !== undefined && err !== null) {
      next(err)
      return
    }
    res.json({ ok: true })
  })
})
app.get('/me', ensureAuthenticated, (req, res) => { res.json(req.user) })

await serveNode(createServer(app), '/bench/login')
