/**
 * URL helpers both sides need: the daemon's doctor (`backend.insecure-http`) and the
 * extension's warning when a backend URL setting sends code in clear text apply the
 * same loopback rule.
 */

/** True for a host name that is this machine: localhost (and *.localhost), 127.x, ::1, host.docker.internal. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === 'host.docker.internal';
}
