/** Tiny HTML helpers shared by the examples (a real app would use a template engine). */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml (value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A complete HTML document; `body` must already be escaped. */
export function page (title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>${body}</body></html>`
}

/** The logout button: the built-in logout route takes a POST. */
export function logoutForm (action = '/logout'): string {
  return `<form method="post" action="${escapeHtml(action)}"><button type="submit">Log out</button></form>`
}
