/**
 * URL helpers both sides need: the daemon's doctor (`backend.insecure-http`) and the
 * extension's warning when a backend URL setting sends code in clear text apply the
 * same loopback rule, and every URL either side shows goes through `displayUrl`.
 */

/** True for a host name that is this machine: localhost (and *.localhost), 127.x, ::1, host.docker.internal. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === 'host.docker.internal';
}

/**
 * A URL as shown anywhere (logs, status, /ready, doctor, errors, the settings result,
 * the UI): scheme, host, port and path only. The user name and password, the query
 * (`?api_key=…`) and the fragment are where credentials hide, so they are never shown.
 * Text that does not parse as a URL loses anything that looks like those parts.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1').replace(/[?#].*$/s, '');
  }
}
