/** Tiny HTML helpers shared by the examples (a real app would use a template engine). */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A complete HTML document; `body` must already be escaped. */
export function page (title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${faviconLink()}
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>${body}</body></html>`
}

/** The logout button: the built-in logout route takes a POST. */
export function logoutForm (action = '/logout'): string {
  return `<form method="post" action="${escapeHtml(action)}"><button type="submit">Log out</button></form>`
}

/** The examples' icon: a blurple rounded square with a white "d". */
export const FAVICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#5865f2"/>' +
  '<text x="16" y="23" font-family="system-ui,sans-serif" font-size="20" font-weight="700" text-anchor="middle" fill="#fff">d</text></svg>'

/**
 * The icon inline, so a page costs no extra request and the console shows no /favicon.ico 404,
 * whichever example serves it.
 */
export function faviconLink (): string {
  return `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(FAVICON_SVG)}">`
}
