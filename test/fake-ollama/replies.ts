/**
 * Scripted replies and faults: which rule answers a request (see `script.ts`), and how
 * a reply is played in an endpoint's format — hangs, drops, first-token and chunk
 * delays, error statuses, garbage lines and in-stream errors, or the chunks streamed
 * (or sent whole) with realistic final statistics. Zero-delay replies are written
 * synchronously in one corked batch, so the fake adds only the cost of formatting them.
 */
import { normalizeModelName } from './models';
import type { FakeEndpoint, FakeReply, FakeRule } from './script';
import { drop, errorBody, head, sendJson, sendText, sleep, type Exchange, type JsonObject } from './exchange';

const DEFAULT_CHUNKS = ['Hello', ' from', ' the', ' fake', ' Ollama.'];

/** How one endpoint renders a stream. */
export interface StreamFormat {
  contentType: string;
  chunk(text: string, index: number): string;
  final(doneReason: 'stop' | 'length', stats: Stats): string;
  garbage(line: string): string;
  error(message: string): string;
  /** The non-streamed body. */
  whole(text: string, doneReason: 'stop' | 'length', stats: Stats, toolCalls?: FakeToolCall[]): unknown;
  /** Chat: the chunk(s) carrying the reply's tool calls, and a reasoning chunk. */
  toolCalls?(calls: FakeToolCall[]): string;
  thinking?(text: string): string;
}

export type FakeToolCall = NonNullable<FakeReply['toolCalls']>[number];

export interface Stats {
  startNs: bigint;
  firstNs: bigint;
  promptEvalCount: number;
  evalCount: number;
}

/** Ollama's timing and count fields of a final chunk. */
export function durations(s: Stats): JsonObject {
  const end = process.hrtime.bigint();
  return {
    total_duration: Number(end - s.startNs),
    load_duration: 0,
    prompt_eval_count: s.promptEvalCount,
    prompt_eval_duration: Number(s.firstNs - s.startNs),
    eval_count: s.evalCount,
    eval_duration: Number(end - s.firstNs),
  };
}

/** The rules and default reply of a script, with how often each rule was used. */
export class ReplyScript {
  defaultReply: FakeReply = {};
  private rules: Array<{ rule: FakeRule; used: number }> = [];

  setRules(rules: FakeRule[]): void {
    this.rules = rules.map((rule) => ({ rule, used: 0 }));
  }

  /** Add a rule; `first` puts it before the existing ones. */
  addRule(rule: FakeRule, first = false): void {
    if (first) this.rules.unshift({ rule, used: 0 });
    else this.rules.push({ rule, used: 0 });
  }

  /** The first rule that fits the request and is not used up, else the default reply. */
  pick(path: FakeEndpoint, model: string, text: string, last?: string): FakeReply {
    for (const entry of this.rules) {
      const r = entry.rule;
      if (r.times !== undefined && entry.used >= r.times) continue;
      if (r.path !== undefined && !(Array.isArray(r.path) ? r.path.includes(path) : r.path === path)) continue;
      if (r.model !== undefined && normalizeModelName(r.model) !== model) continue;
      if (r.match !== undefined && !(typeof r.match === 'string' ? text.includes(r.match) : r.match.test(text))) continue;
      if (r.matchRegex !== undefined && !new RegExp(r.matchRegex).test(text)) continue;
      if (r.matchLast !== undefined && !(last ?? '').includes(r.matchLast)) continue;
      entry.used++;
      return r;
    }
    return this.defaultReply;
  }

  /**
   * The parts of a reply that come before any output: hang, immediate disconnect,
   * first-token delay, error status. False when the reply is over.
   */
  async preamble(ex: Exchange, reply: FakeReply, openAi: boolean): Promise<boolean> {
    if (reply.hang || reply.hangAfterChunks === 0) {
      await ex.done;
      return false;
    }
    if (reply.disconnectAfterChunks === 0) {
      drop(ex);
      return false;
    }
    if (reply.firstTokenDelayMs && !(await sleep(ex, reply.firstTokenDelayMs))) return false;
    if (reply.status !== undefined && reply.status >= 400) {
      if (reply.errorBody !== undefined) sendText(ex, reply.status, reply.errorBody, reply.errorContentType ?? 'text/plain; charset=utf-8');
      else sendJson(ex, reply.status, errorBody(openAi, reply.status, reply.error ?? `fake error ${reply.status}`));
      return false;
    }
    return !ex.closed;
  }

  /** Stream (or send whole) a scripted reply in the endpoint's format. */
  async play(ex: Exchange, reply: FakeReply, fmt: StreamFormat, stream: boolean, promptChars: number): Promise<void> {
    const startNs = process.hrtime.bigint();
    const openAi = fmt.contentType === 'text/event-stream';
    if (!(await this.preamble(ex, reply, openAi))) return;
    // A reply that only calls tools has no text unless it says so.
    const chunks = reply.chunks ?? (reply.toolCalls ? [] : (this.defaultReply.chunks ?? DEFAULT_CHUNKS));
    const stats: Stats = {
      startNs,
      firstNs: process.hrtime.bigint(),
      promptEvalCount: reply.promptEvalCount ?? Math.max(1, Math.ceil(promptChars / 4)),
      evalCount: reply.evalCount ?? chunks.length,
    };
    const doneReason = reply.doneReason ?? 'stop';
    const delay = reply.chunkDelayMs ?? 0;
    const res = ex.res;

    if (!stream) {
      for (let i = 1; i <= chunks.length; i++) {
        if (delay > 0 && i < chunks.length && !(await sleep(ex, delay))) return;
        if (reply.disconnectAfterChunks === i) return drop(ex);
        if (reply.hangAfterChunks === i) return ex.done;
      }
      if (reply.streamError) return sendJson(ex, 500, errorBody(openAi, 500, reply.streamError.message));
      if (reply.garbage)
        return sendText(
          ex,
          200,
          `${JSON.stringify(fmt.whole(chunks.join(''), doneReason, stats)).slice(0, -1)}\n${reply.garbage.line ?? 'garbage'}`,
          'application/json; charset=utf-8',
        );
      return sendJson(ex, 200, fmt.whole(reply.toolCalls && !reply.chunks ? '' : chunks.join(''), doneReason, stats, reply.toolCalls));
    }

    head(ex, 200, fmt.contentType);
    // Without delays or disconnects everything goes out in one corked batch.
    const batch = delay === 0 && reply.disconnectAfterChunks === undefined && reply.hangAfterChunks === undefined;
    if (batch) res.cork();
    if (fmt.thinking) for (const t of reply.thinking ?? []) res.write(fmt.thinking(t));
    for (let i = 0; i <= chunks.length; i++) {
      if (i > 0 && i < chunks.length && delay > 0 && !(await sleep(ex, delay))) return;
      if (ex.closed) return;
      if (reply.disconnectAfterChunks === i) {
        // Let the chunks already written reach the client, then cut the connection.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        return drop(ex);
      }
      if (reply.hangAfterChunks === i) return ex.done;
      if (reply.garbage?.afterChunks === i) res.write(fmt.garbage(reply.garbage.line ?? 'this is not JSON'));
      if (reply.streamError?.afterChunks === i) {
        res.write(fmt.error(reply.streamError.message));
        res.end();
        if (batch) res.uncork();
        return;
      }
      if (i < chunks.length) res.write(fmt.chunk(chunks[i], i));
    }
    if (reply.toolCalls && reply.toolCalls.length > 0 && fmt.toolCalls) res.write(fmt.toolCalls(reply.toolCalls));
    res.end(fmt.final(doneReason, stats));
    if (batch) res.uncork();
  }
}
