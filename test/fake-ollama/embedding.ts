/**
 * Deterministic, similarity-preserving embeddings for the fake Ollama.
 *
 * Each text becomes a hashed bag of word tokens: identifiers are split at camelCase,
 * snake_case and digits, every token (and, at half weight, every whole identifier) is
 * hashed with FNV-1a into one of `dim` buckets with a hashed sign, and the vector is
 * L2-normalised. Identical texts give identical vectors; texts sharing words have a
 * high cosine similarity, so semantic-retrieval tests mean something.
 */

function fnv1a(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lower-cased word tokens of a text; identifiers split into their parts. */
export function embeddingTokens(text: string): Array<{ token: string; weight: number }> {
  const out: Array<{ token: string; weight: number }> = [];
  for (const word of text.match(/[A-Za-z0-9_]+/g) ?? []) {
    const parts = word
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[_\s]+/)
      .filter((p) => p.length > 0)
      .map((p) => p.toLowerCase());
    for (const part of parts) out.push({ token: part, weight: 1 });
    if (parts.length > 1) out.push({ token: word.toLowerCase(), weight: 0.5 });
  }
  return out;
}

export function fakeEmbedding(text: string, dim: number): number[] {
  const v = new Float64Array(dim);
  const tokens = embeddingTokens(text);
  if (tokens.length === 0) {
    // No words (empty or punctuation only): still a deterministic unit vector.
    v[fnv1a(text, 7) % dim] = 1;
  }
  for (const { token, weight } of tokens) {
    const bucket = fnv1a(token, 0) % dim;
    const sign = fnv1a(token, 0x9e3779b9) & 1 ? 1 : -1;
    v[bucket] += sign * weight;
  }
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm) || 1;
  const out = new Array<number>(dim);
  for (let i = 0; i < dim; i++) out[i] = Math.round((v[i] / norm) * 1e6) / 1e6;
  return out;
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb) || 1);
}
