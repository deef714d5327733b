/**
 * True when `pattern` names this request: a path or a route template, optionally prefixed by a
 * method (`GET /api/v10/users/@me`). Without a method it matches every method.
 */
export function matchesRoute (pattern: string, method: string, path: string, template: string): boolean {
  const space = pattern.indexOf(' ')
  if (space !== -1) {
    if (pattern.slice(0, space).toUpperCase() !== method.toUpperCase()) return false
    pattern = pattern.slice(space + 1).trim()
  }
  return pattern === path || pattern === template
}
