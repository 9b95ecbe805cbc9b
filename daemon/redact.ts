/**
 * Secret hygiene for every text that leaves the daemon: log lines (file, stderr and
 * `tandem/log`), error messages and hints, status and `/ready`, doctor findings and the
 * backend health history. One function, `redact`, does it everywhere:
 *
 * - every http(s) URL in the text that carries a user name, password, query or fragment
 *   is replaced by its display form (`displayUrl`: scheme, host, port, path);
 * - every form of a configured backend's credentials (`credentialForms`) is replaced by
 *   `[redacted]`: header values and the credential after their scheme (`Bearer …`), a
 *   `Basic` credential decoded (`user:password` and the password), the password of a URL
 *   (or its user name when that is all there is, `http://TOKEN@host`), the same pair as
 *   the Basic header the daemon sends for it, query values, and each of these
 *   percent-encoded — in case a server or proxy echoes them in an error.
 */
import type { TandemConfig } from './config';
import { displayUrl } from '../shared/url';

export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets (they would blank out ordinary words). */
const MIN_SECRET_CHARS = 4;
/** Query values count from this length unless the parameter's name says it is a credential. */
const MIN_QUERY_SECRET_CHARS = 8;
const CREDENTIAL_PARAM = /key|token|secret|pass|auth|sig|cred|session/i;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`]+/gi;

export interface CredentialSource {
  url: string;
  headers: Record<string, string>;
}

/** Every form in which this backend's credentials may appear in a text, longest first. */
export function credentialForms(source: CredentialSource): string[] {
  const out = new Set<string>();
  const add = (value: string | undefined, min = MIN_SECRET_CHARS) => {
    const v = value?.trim() ?? '';
    if (v.length < min) return;
    out.add(v);
    const encoded = encodeURIComponent(v);
    if (encoded !== v) out.add(encoded);
  };
  const addPair = (user: string, password: string) => {
    const pair = `${user}:${password}`;
    add(pair);
    add(`Basic ${Buffer.from(pair).toString('base64')}`);
    add(Buffer.from(pair).toString('base64'));
    // The password is the secret; a user name alone (`http://TOKEN@host`) is one too.
    add(password !== '' ? password : user);
  };
  for (const value of Object.values(source.headers)) {
    add(value);
    const scheme = /^(\S+)\s+(.+)$/.exec(value.trim());
    if (!scheme) continue;
    add(scheme[2]);
    if (/^basic$/i.test(scheme[1])) {
      const decoded = decodeBase64(scheme[2]);
      const colon = decoded?.indexOf(':') ?? -1;
      if (decoded !== undefined && colon >= 0) addPair(decoded.slice(0, colon), decoded.slice(colon + 1));
      else add(decoded);
    }
  }
  let url: URL | undefined;
  try {
    url = new URL(source.url);
  } catch {
    // Not a URL: its headers are all there is.
  }
  if (url) {
    if (url.username !== '' || url.password !== '') {
      addPair(safeDecode(url.username), safeDecode(url.password));
      add(url.password !== '' ? url.password : url.username);
    }
    for (const [name, value] of url.searchParams) add(value, CREDENTIAL_PARAM.test(name) ? MIN_SECRET_CHARS : MIN_QUERY_SECRET_CHARS);
    add(safeDecode(url.hash.slice(1)), MIN_QUERY_SECRET_CHARS);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** The credential forms of every configured backend (cached per configuration object). */
export function configSecrets(config: Pick<TandemConfig, 'backends'>): readonly string[] {
  let secrets = cache.get(config);
  if (!secrets) {
    const all = new Set<string>();
    for (const b of config.backends) for (const s of credentialForms(b)) all.add(s);
    secrets = [...all].sort((a, b) => b.length - a.length);
    cache.set(config, secrets);
  }
  return secrets;
}
const cache = new WeakMap<object, readonly string[]>();

/** `redact` with the credentials of this configuration's backends. */
export function redactorFor(config: Pick<TandemConfig, 'backends'>): (text: string) => string {
  const secrets = configSecrets(config);
  return (text) => redact(text, secrets);
}

/** `text` with URLs in display form and every one of `secrets` replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(URL_IN_TEXT, (match) => {
    const trailing = /[.,;:!)\]]+$/.exec(match)?.[0] ?? '';
    const url = match.slice(0, match.length - trailing.length);
    return /[@?#]/.test(url) ? displayUrl(url) + trailing : match;
  });
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The text of a base64 credential, or undefined when it is not base64 of printable text. */
function decodeBase64(s: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return undefined;
  const text = Buffer.from(s, 'base64').toString('utf8');
  return /^[\x20-\x7e\u00a0-\uffff]+$/.test(text) && !text.includes('\ufffd') ? text : undefined;
}
