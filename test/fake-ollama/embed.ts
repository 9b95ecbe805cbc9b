/**
 * Embeddings: `/api/embed` (batch), the older `/api/embeddings` (one prompt) and
 * OpenAI's `/v1/embeddings`, with deterministic vectors (see `embedding.ts`) of the
 * model's dimension (or `dimensions`, when smaller).
 */
import type { FakeContext } from './context';
import { fakeEmbedding } from './embedding';
import { sendJson, type Exchange, type JsonObject } from './exchange';
import type { ResolvedModel } from './models';
import type { FakeEndpoint } from './script';

export async function embed(fake: FakeContext, ex: Exchange, path: FakeEndpoint, b: JsonObject, m: ResolvedModel): Promise<void> {
  const rawInput = path === '/api/embeddings' ? b.prompt : b.input;
  const inputs = typeof rawInput === 'string' ? [rawInput] : Array.isArray(rawInput) ? rawInput.map((x) => String(x)) : [];
  const openAi = path === '/v1/embeddings';
  const reply = fake.replies.pick(path, m.name, inputs.join('\n'));
  const startNs = process.hrtime.bigint();
  if (!(await fake.replies.preamble(ex, reply, openAi))) return;
  fake.catalog.markLoaded(m.name, b.keep_alive);
  const dim = typeof b.dimensions === 'number' && b.dimensions > 0 ? Math.min(b.dimensions, m.embeddingDim) : m.embeddingDim;
  const vectors = inputs.map((t) => fakeEmbedding(t, dim));
  const tokens = inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
  if (path === '/api/embeddings') return sendJson(ex, 200, { embedding: vectors[0] ?? [] });
  if (openAi) {
    return sendJson(ex, 200, {
      object: 'list',
      data: vectors.map((embedding, index) => ({ object: 'embedding', embedding, index })),
      model: b.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }
  sendJson(ex, 200, {
    model: b.model,
    embeddings: vectors,
    total_duration: Number(process.hrtime.bigint() - startNs),
    load_duration: 0,
    prompt_eval_count: tokens,
  });
}
