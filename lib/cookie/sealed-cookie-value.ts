/**
 * How a box sealed by `@fastify/secure-session` (`<ciphertext>;<nonce>`, both standard base64)
 * travels as a cookie value: both parts in URL-safe base64 without padding, joined by a dot.
 * Standard base64's `+`, `/`, `=` and the `;` are percent-encoded in a cookie (three bytes each)
 * and cost every request a URI decoding; these characters need neither.
 */

/** The cookie value of a box from secure-session's `encodeSecureSession`. */
export function toCookieValue (box: string): string {
  const separator = box.indexOf(';')
  return urlSafe(box.slice(0, separator)) + '.' + urlSafe(box.slice(separator + 1))
}

/**
 * The sealed box a cookie value holds, as secure-session's decoder takes it (its base64
 * decoding reads the URL-safe alphabet, padded or not). A value in secure-session's own form
 * (`;`, from before this format or from an app's own encoder) is taken as it is.
 */
export function fromCookieValue (value: string): string {
  return value.includes(';') ? value : value.replace('.', ';')
}

function urlSafe (base64: string): string {
  let end = base64.length
  while (end > 0 && base64.charCodeAt(end - 1) === 61 /* = */) end--
  return base64.slice(0, end).replace(/[+/]/g, (c) => c === '+' ? '-' : '_')
}
