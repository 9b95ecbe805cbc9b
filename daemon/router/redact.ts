/**
 * Secret hygiene for text that leaves the daemon (error messages, log lines): the
 * values of a backend's configured headers (an `Authorization: Bearer …` token, an API
 * key) are replaced by `[redacted]` wherever they appear, in case a server echoes them.
 */
export function secretValues(headers: Record<string, string>): string[] {
  const out = new Set<string>();
  for (const value of Object.values(headers)) {
    const v = value.trim();
    if (v.length < 4) continue;
    out.add(v);
    // `Bearer abc` / `Basic abc`: the credential alone is the secret too.
    const cred = v.replace(/^(bearer|basic|token)\s+/i, '');
    if (cred.length >= 4) out.add(cred);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}
