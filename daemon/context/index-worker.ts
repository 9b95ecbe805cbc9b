/**
 * The index worker (a worker_threads entry, bundled as dist/index-worker.js): parses and
 * chunks files for the index off the daemon's event loop, so a cold index overlaps parsing
 * with the SQLite writes. It loads each grammar the first time a file of its language comes.
 *
 * Messages (analysis-pool.ts sends and reads them):
 *   in:  { id, req: AnalysisRequest }
 *   out: { ready: true } once at start; { id, result: FileAnalysis } | { id, error: string } per request
 */
import { parentPort } from 'node:worker_threads';
import { analyzeForIndex, type AnalysisRequest } from './file-analysis';
import { grammarFor, loadGrammar } from './syntax/grammars';

export interface WorkerRequest {
  id: number;
  req: AnalysisRequest;
}

export type WorkerReply = { ready: true } | { id: number; result: ReturnType<typeof analyzeForIndex> } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on('message', (msg: WorkerRequest) => {
    void handle(msg).then((reply) => port.postMessage(reply));
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
}

async function handle({ id, req }: WorkerRequest): Promise<WorkerReply> {
  try {
    const grammar = grammarFor(req.language);
    // A grammar that does not load falls back to the heuristic parser inside analyzeFile.
    if (grammar) await loadGrammar(grammar);
    return { id, result: analyzeForIndex(req) };
  } catch (err) {
    return { id, error: (err as Error).message };
  }
}
