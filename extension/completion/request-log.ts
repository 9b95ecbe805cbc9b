/**
 * The last completion requests with their timings (expert mode's "per-request
 * timings" and the raw request view). A fixed-size ring, newest first when listed.
 */
import type { InlineCompletionRequest } from '../../protocol';

export interface RequestRecord {
  /** Epoch ms. */
  at: number;
  path: string;
  languageId: string;
  source: 'network' | 'cache' | 'typing-through';
  completionId: string;
  model: string;
  backend: string;
  debounceMs: number;
  contextMs: number;
  firstTokenMs: number;
  totalMs: number;
  overheadMs: number;
  chars: number;
  multiline: boolean;
}

export class RequestLog {
  private readonly records: RequestRecord[] = [];
  /** The params and raw result of the latest network request. */
  lastExchange: { params: InlineCompletionRequest.Params; result: InlineCompletionRequest.Result; at: number } | undefined;

  constructor(private readonly capacity = 50) {}

  add(record: RequestRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.shift();
  }

  list(): RequestRecord[] {
    return [...this.records].reverse();
  }

  get last(): RequestRecord | undefined {
    return this.records.at(-1);
  }
}
