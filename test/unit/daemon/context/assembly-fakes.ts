/** Fakes the assembly tests share: a retrieval that returns given chunks, and a chunk builder. */
import type { ContextDiagnostics } from '../../../../protocol';
import type { RetrievedChunk, RetrieveRequest, RetrieveResult } from '../../../../daemon/context/retrieval';

export function retrieved(file: string, startLine: number, text: string, over: Partial<RetrievedChunk> = {}): RetrievedChunk {
  return {
    root: '/repo',
    file,
    language: 'typescript',
    startLine,
    endLine: startLine + text.split('\n').length - 1,
    score: 1 / startLine,
    sources: ['bm25'],
    signals: [],
    symbols: [],
    text,
    hash: `${file}:${startLine}:${text.length}`,
    placedBy: over.sources?.[0] ?? 'bm25',
    ...over,
  };
}

/** A retrieval answering every request with `chunks` (or throwing `error`), recording the requests. */
export class FakeRetrieval {
  readonly requests: RetrieveRequest[] = [];
  error: Error | undefined;
  constructor(public chunks: RetrievedChunk[]) {}

  retrieve(req: RetrieveRequest): Promise<RetrieveResult> {
    this.requests.push(req);
    if (this.error) return Promise.reject(this.error);
    const chunks = this.chunks.slice(0, req.k ?? this.chunks.length);
    const candidates = chunks.map((c, id) => ({
      id,
      path: c.file,
      startLine: c.startLine,
      endLine: c.endLine,
      score: c.score,
      sources: c.sources,
      signals: c.signals,
      placedBy: c.placedBy,
    }));
    return Promise.resolve({
      root: '/repo',
      chunks,
      candidates,
      retrievers: [{ name: 'bm25', status: 'done', ms: 1, hits: chunks.length }],
      elapsedMs: 1,
    });
  }
}

/** Records diagnostics by id. */
export class RecordedDiagnostics {
  readonly byId = new Map<string, ContextDiagnostics>();
  record(d: ContextDiagnostics): void {
    this.byId.set(d.completionId, d);
  }
}

/** A function body long enough for the compactor to reduce it to its signature. */
export function functionText(name: string, lines = 12): string {
  return [
    `export function ${name}(input: number): number {`,
    ...Array.from({ length: lines }, (_, i) => `  const v${i} = input * ${i + 1};`),
    '  return input;',
    '}',
  ].join('\n');
}
