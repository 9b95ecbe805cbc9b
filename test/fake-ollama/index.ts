/** The fake Ollama server used by every test and benchmark: see `server.ts` and `script.ts`. */
export { FakeOllama, type RequestLogEntry } from './server';
export {
  tandemDefaultModels,
  tandemNextEditModel,
  type FakeEndpoint,
  type FakeModel,
  type FakeReply,
  type FakeRule,
  type FakeScript,
} from './script';
export { cosine, embeddingTokens, fakeEmbedding } from './embedding';
export { normalizeModelName } from './models';
