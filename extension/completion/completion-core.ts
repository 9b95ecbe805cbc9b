/**
 * The inline completion pipeline without VS Code: typing-through, cache, adaptive
 * debounce, cancellation of the previous request, the multi-line decision, the daemon
 * request, post-processing filters. The VS Code provider (inline-provider.ts)
 * translates documents into `CompletionInput` and the result into an
 * InlineCompletionItem; the benchmark drives this class directly.
 */
import { isCancellation, type InlineCompletionRequest, type RecentFile } from '../../protocol';
import { abortError, sleep, type Clock } from '../clock';
import type { Logger } from '../log';
import { AdaptiveDebounce, type DebounceOptions } from './debounce';
import { runFilters } from './filters/pipeline';
import { LruCache } from './lru-cache';
import { allowMultiline } from './multiline';
import { typeThrough, type ShownSuggestion } from './typing-through';

export interface CompletionInput {
  path: string;
  languageId: string;
  workspaceRoot?: string;
  /** Full document text before / after the cursor. */
  prefix: string;
  suffix: string;
  /** 0-based cursor position. */
  line: number;
  character: number;
  /** Explicitly invoked (no debounce). */
  explicit: boolean;
}

export interface Suggestion {
  /** Text to insert at the cursor. */
  text: string;
  completionId: string;
  model: string;
  backend: string;
  finishReason: InlineCompletionRequest.Result['finishReason'];
  /** Daemon timings of the request that produced it. */
  timings: InlineCompletionRequest.Result['timings'];
  /** Extension-side time for this call, minus debounce and model time, ms. */
  overheadMs: number;
  /** Debounce waited in this call, ms. */
  debounceMs: number;
  source: 'network' | 'cache' | 'typing-through';
  multiline: boolean;
}

export interface CompletionBackend {
  complete(params: InlineCompletionRequest.Params, signal: AbortSignal): Promise<InlineCompletionRequest.Result>;
}

export interface CompletionCoreDeps {
  backend: CompletionBackend;
  clock: Clock;
  recentFiles(currentPath: string): RecentFile[];
  log: Logger;
  /** Sees every network exchange (raw request view in expert mode). */
  onExchange?(params: InlineCompletionRequest.Params, result: InlineCompletionRequest.Result): void;
}

export interface CompletionCoreOptions {
  /** Characters of text before / after the cursor sent to the daemon. */
  maxPrefixChars: number;
  maxSuffixChars: number;
  cacheSize: number;
  debounce: Partial<DebounceOptions>;
}

export const defaultCompletionCoreOptions: CompletionCoreOptions = {
  maxPrefixChars: 16_000,
  maxSuffixChars: 4_000,
  cacheSize: 100,
  debounce: {},
};

interface CachedResult {
  result: InlineCompletionRequest.Result;
  text: string;
  multiline: boolean;
}

/** Cache key: the text around the cursor that the suggestion depends on most. */
const KEY_PREFIX_CHARS = 2_000;
const KEY_SUFFIX_CHARS = 500;

export function lineBefore(prefix: string): string {
  return prefix.slice(prefix.lastIndexOf('\n') + 1);
}

export function lineAfter(suffix: string): string {
  const nl = suffix.indexOf('\n');
  return nl < 0 ? suffix : suffix.slice(0, nl);
}

export class CompletionCore {
  readonly debounce: AdaptiveDebounce;
  private readonly cache: LruCache<string, CachedResult>;
  private readonly opts: CompletionCoreOptions;
  private inflight: AbortController | undefined;
  private shown: (ShownSuggestion & { result: InlineCompletionRequest.Result; multiline: boolean }) | undefined;

  constructor(
    private readonly deps: CompletionCoreDeps,
    opts: Partial<CompletionCoreOptions> = {},
  ) {
    this.opts = { ...defaultCompletionCoreOptions, ...opts };
    this.cache = new LruCache(this.opts.cacheSize);
    this.debounce = new AdaptiveDebounce(this.opts.debounce);
  }

  /** Forget the typing-through anchor (the suggestion was accepted or dismissed). */
  forgetShown(): void {
    this.shown = undefined;
  }

  /** Abort the request in flight, if any (a newer keystroke or a disable). */
  cancelInflight(): void {
    this.inflight?.abort();
    this.inflight = undefined;
  }

  /**
   * A suggestion for the cursor, or undefined (nothing useful, or cancelled). Throws
   * only real errors (never for cancellation).
   */
  async provide(input: CompletionInput, signal: AbortSignal): Promise<Suggestion | undefined> {
    const started = this.deps.clock.now();
    this.cancelInflight();

    const through = typeThrough(this.shown, input);
    if (through && this.shown) {
      const { result, multiline } = this.shown;
      return this.finish(input, started, 0, through.rest, result, 'typing-through', multiline, false);
    }

    const multiline = allowMultiline(lineBefore(input.prefix), lineAfter(input.suffix));
    const key = this.cacheKey(input, multiline);
    const cached = this.cache.get(key);
    if (cached) return this.finish(input, started, 0, cached.text, cached.result, 'cache', cached.multiline, false);

    const controller = new AbortController();
    this.inflight = controller;
    const onAbort = () => controller.abort();
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
    let debounceMs = 0;
    try {
      if (!input.explicit) {
        debounceMs = this.debounce.delayMs();
        await sleep(this.deps.clock, debounceMs, controller.signal);
      }
      const params = this.params(input, multiline);
      const result = await raceAbort(this.deps.backend.complete(params, controller.signal), controller.signal);
      this.debounce.observe(result.timings.totalMs);
      this.deps.onExchange?.(params, result);
      const filtered = this.filter(result, input, multiline);
      this.cache.set(key, { result, text: filtered, multiline });
      if (controller.signal.aborted) return undefined;
      return this.finish(input, started, debounceMs, filtered, result, 'network', multiline, true);
    } catch (err) {
      if (isCancellation(err) || controller.signal.aborted) return undefined;
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.inflight === controller) this.inflight = undefined;
    }
  }

  private finish(
    input: CompletionInput,
    started: number,
    debounceMs: number,
    text: string,
    result: InlineCompletionRequest.Result,
    source: Suggestion['source'],
    multiline: boolean,
    fromModel: boolean,
  ): Suggestion | undefined {
    if (text === '') {
      this.shown = undefined;
      return undefined;
    }
    if (source !== 'typing-through') this.shown = { path: input.path, prefix: input.prefix, suffix: input.suffix, text, result, multiline };
    const elapsed = this.deps.clock.now() - started;
    const modelMs = fromModel ? Math.max(0, result.timings.totalMs - result.timings.contextMs) : 0;
    return {
      text,
      completionId: result.completionId,
      model: result.model,
      backend: result.backend,
      finishReason: result.finishReason,
      timings: result.timings,
      overheadMs: Math.max(0, elapsed - debounceMs - modelMs),
      debounceMs,
      source,
      multiline,
    };
  }

  private filter(result: InlineCompletionRequest.Result, input: CompletionInput, multiline: boolean): string {
    if (result.text === '') return '';
    const out = runFilters(result.text, { prefix: input.prefix, suffix: input.suffix, languageId: input.languageId, multiline });
    if (out.droppedBy) this.deps.log.debug(`completion ${result.completionId} dropped by ${out.droppedBy}`);
    return out.text;
  }

  private cacheKey(input: CompletionInput, multiline: boolean): string {
    return [
      input.path,
      input.languageId,
      multiline ? 'm' : 's',
      input.prefix.slice(-KEY_PREFIX_CHARS),
      input.suffix.slice(0, KEY_SUFFIX_CHARS),
    ].join('\u0000');
  }

  /** Request params with the document clipped around the cursor. */
  params(input: CompletionInput, multiline: boolean): InlineCompletionRequest.Params {
    return {
      document: {
        path: input.path,
        languageId: input.languageId,
        prefix: input.prefix.length > this.opts.maxPrefixChars ? input.prefix.slice(-this.opts.maxPrefixChars) : input.prefix,
        suffix: input.suffix.length > this.opts.maxSuffixChars ? input.suffix.slice(0, this.opts.maxSuffixChars) : input.suffix,
        line: input.line,
        character: input.character,
      },
      ...(input.workspaceRoot ? { workspaceRoot: input.workspaceRoot } : {}),
      recentFiles: this.deps.recentFiles(input.path),
      multiline,
    };
  }
}

/** Settle with an AbortError as soon as `signal` aborts, whatever `promise` does. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
