/**
 * Warns when a backend URL setting sends code in clear text: plain `http://` to a host
 * that is not this machine. Loopback (127.x, ::1, localhost) is fine; so is https. The
 * same rule as the doctor's `backend.insecure-http` finding. Pure.
 */
import { isLoopback } from '../../shared/url';

export function insecureUrlWarning(setting: string, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || isLoopback(url.hostname)) return undefined;
  return `${setting} sends your code unencrypted to ${url.hostname} (plain http). Use https through a TLS reverse proxy, or an SSH tunnel to 127.0.0.1 (see docs/dgx.md).`;
}
