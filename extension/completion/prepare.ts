/**
 * Completions prepared for the document the user brings into view: a moment after an
 * editor becomes the active one (or the daemon connects with one open, or its cursor jumps
 * far within it), the daemon is
 * asked to assemble the context a completion at its cursor would have
 * (`tandem/completion/prepare`), so that the first completion there finds the document's
 * token counts, imports and chunks' counts cached instead of spending that time while
 * the user waits. No model is called. Without VS Code: contribution.ts feeds it editors.
 *
 *   const preparer = new CompletionPreparer({ clock, send, params, enabled, ready, log });
 *   preparer.focused({ path, snapshot: () => inputAtCursor(editor) });   // on onDidChangeActiveTextEditor
 *   preparer.moved({ path, line, snapshot });          // on onDidChangeTextEditorSelection
 *   preparer.completing(path);                        // a completion there is asked for now
 */
import { isCancellation, type PrepareCompletionRequest } from '../../protocol';
import type { Clock, TimerHandle } from '../clock';
import type { Logger } from '../log';
import type { CompletionInput } from './completion-core';

/** How long an editor must stay the active one before its document is prepared (ms): switching through tabs prepares only the last. */
export const PREPARE_DELAY_MS = 150;

/** A cursor moved this many lines from where its document was prepared (a jump to a symbol, a click far away) is prepared again. */
export const PREPARE_JUMP_LINES = 60;

export type PrepareInput = Omit<CompletionInput, 'explicit'>;

export interface CompletionPreparerDeps {
  clock: Clock;
  send(params: PrepareCompletionRequest.Params, signal: AbortSignal): Promise<PrepareCompletionRequest.Result>;
  /** The params a completion at this place would send (its clipping, root and recent files). */
  params(input: PrepareInput): PrepareCompletionRequest.Params;
  /** Inline completions are on for the language. */
  enabled(languageId: string): boolean;
  /** Connected, to a daemon that has `completionPrepare`. */
  ready(): boolean;
  log: Logger;
}

export class CompletionPreparer {
  private pending: { handle: TimerHandle; path: string } | undefined;
  private inflight: AbortController | undefined;
  /** Where the last prepare was sent. */
  private last: { path: string; line: number } | undefined;
  private disposed = false;

  constructor(private readonly deps: CompletionPreparerDeps) {}

  /**
   * Another document is in view (undefined: none, or one that is not prepared): what was
   * waiting or running for the last one is dropped, and this one is prepared after
   * `PREPARE_DELAY_MS`. `snapshot` is read then, so the text and cursor are that moment's.
   */
  focused(target: { path: string; snapshot: () => PrepareInput | undefined } | undefined): void {
    this.clearPending();
    this.inflight?.abort();
    this.inflight = undefined;
    if (!target || this.disposed) return;
    const handle = this.deps.clock.setTimeout(() => {
      this.pending = undefined;
      const input = target.snapshot();
      if (input) void this.prepare(input);
    }, PREPARE_DELAY_MS);
    this.pending = { handle, path: target.path };
  }

  /**
   * The cursor of the document in view moved. Typing and moving nearby change nothing: what
   * was prepared covers them. A jump of `PREPARE_JUMP_LINES` or more from where the document
   * was prepared brings other lines into the prompt window, so it is prepared again.
   */
  moved(target: { path: string; line: number; snapshot: () => PrepareInput | undefined }): void {
    if (this.disposed || this.pending || !this.last || this.last.path !== target.path) return;
    if (Math.abs(target.line - this.last.line) < PREPARE_JUMP_LINES) return;
    this.focused(target);
  }

  /** A completion in `path` is being asked for: it does the work itself, so a prepare still waiting for it is dropped. */
  completing(path: string): void {
    if (this.pending?.path === path) this.clearPending();
  }

  dispose(): void {
    this.disposed = true;
    this.clearPending();
    this.inflight?.abort();
    this.inflight = undefined;
  }

  private async prepare(input: PrepareInput): Promise<void> {
    if (this.disposed || !this.deps.enabled(input.languageId) || !this.deps.ready()) return;
    const abort = new AbortController();
    this.inflight = abort;
    this.last = { path: input.path, line: input.line };
    try {
      const r = await this.deps.send(this.deps.params(input), abort.signal);
      this.deps.log.debug(`completion context prepared for ${input.path}: ${r.contextChunks} chunks in ${r.contextMs} ms`);
    } catch (err) {
      // Nothing is lost when a prepare fails: the first completion does the work itself.
      if (!abort.signal.aborted && !isCancellation(err))
        this.deps.log.debug(`preparing completions for ${input.path} failed: ${(err as Error).message ?? String(err)}`);
    } finally {
      if (this.inflight === abort) this.inflight = undefined;
    }
  }

  private clearPending(): void {
    if (this.pending) this.deps.clock.clearTimeout(this.pending.handle);
    this.pending = undefined;
  }
}
