/**
 * One inline edit (`Tandem: Edit Selection…`), from the instruction to Accept or Reject:
 * ask the daemon for the region's new text, show the streamed lines as an inline diff
 * (`inline-diff.ts`) through the editor port, then Accept (the proposal replaces the
 * region: one undo step), Reject (the region as it was, nothing left on the undo stack),
 * Retry (the same instruction again) or a follow-up instruction refining the proposal.
 * A refused answer says why and leaves the document (or the last proposal) as it was.
 * Each use is reported once, when it ends: accepted, rejected, failed or cancelled,
 * with the model, the number of proposals and the time to the first one. No vscode
 * import: the editor comes in as `InlinePreviewPort`.
 */
import { isCancellation, type InlineEditProposeRequest, type RecentFile } from '../../protocol';
import { summarizeRefusals } from '../edit/workspace-changes';
import type { CommandsBackend } from './commands-backend';
import { renderInlineDiff, type DisplayLine } from './inline-diff';
import type { OutcomeReporter } from './outcome-reporter';

export type InlinePhase = 'streaming' | 'ready' | 'done';

/** The editor as an inline edit sees it. */
export interface InlinePreviewPort {
  /** Show this display state in the region (queued; later states replace earlier ones not yet shown). */
  show(display: DisplayLine[]): void;
  /** Accept: the region becomes `lines`; reject: the region as it was and the undo stack without the preview. */
  finish(lines: string[] | undefined): Promise<void>;
  phase(phase: InlinePhase): void;
  warn(message: string): void;
}

export interface InlineTarget {
  path: string;
  languageId: string;
  /** The document's text when the edit started. */
  text: string;
  /** 0-based inclusive lines of the region. */
  startLine: number;
  endLine: number;
  recentFiles?: RecentFile[];
}

export interface InlineSessionDeps {
  backend: CommandsBackend;
  port: InlinePreviewPort;
  outcomes: OutcomeReporter;
  monotonic(): number;
}

interface Round {
  instruction: string;
  proposal: string;
}

export class InlineEditSession {
  private readonly original: string[];
  private rounds: Round[] = [];
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private state: InlinePhase = 'ready';
  private readonly started: number;
  private firstLatency: number | undefined;
  private model = 'unknown';
  private backendName: string | undefined;
  private editId: string | undefined;
  private proposals = 0;

  constructor(
    private readonly deps: InlineSessionDeps,
    readonly target: InlineTarget,
  ) {
    this.original = target.text
      .split('\n')
      .slice(target.startLine, target.endLine + 1)
      .map((l) => l.replace(/\r$/, ''));
    this.started = deps.monotonic();
  }

  get phase(): InlinePhase {
    return this.state;
  }

  /** The current proposal's lines (undefined before the first one). */
  get proposal(): string[] | undefined {
    const last = this.rounds[this.rounds.length - 1];
    return last ? splitLines(last.proposal) : undefined;
  }

  /** Ask for a proposal: the first instruction, or a follow-up refining the last proposal. */
  ask(instruction: string): Promise<void> {
    return this.run(instruction, this.rounds);
  }

  /** The last instruction again, from the same starting point. */
  retry(): Promise<void> {
    const last = this.rounds[this.rounds.length - 1];
    if (!last || this.state !== 'ready') return Promise.resolve();
    this.rounds = this.rounds.slice(0, -1);
    return this.run(last.instruction, this.rounds, last);
  }

  private run(instruction: string, history: Round[], replaced?: Round): Promise<void> {
    if (this.state === 'streaming' || this.state === 'done') return Promise.resolve();
    const abort = new AbortController();
    this.abort = abort;
    this.setPhase('streaming');
    this.running = this.propose(instruction, history, abort.signal, replaced).finally(() => {
      if (this.abort === abort) this.abort = undefined;
    });
    return this.running;
  }

  private async propose(instruction: string, history: Round[], signal: AbortSignal, replaced?: Round): Promise<void> {
    let streamed = '';
    const shownBefore = this.proposal;
    let result: InlineEditProposeRequest.Result;
    try {
      result = await this.deps.backend.proposeInlineEdit(
        {
          document: { path: this.target.path, languageId: this.target.languageId, text: this.target.text },
          range: {
            start: { line: this.target.startLine, character: 0 },
            end: { line: this.target.endLine, character: this.original[this.original.length - 1]!.length },
          },
          instruction,
          history: history.map((r) => ({ instruction: r.instruction, proposal: r.proposal })),
          recentFiles: this.target.recentFiles ?? [],
        },
        (delta) => {
          if (this.state !== 'streaming') return;
          streamed += delta;
          this.deps.port.show(renderInlineDiff(this.original, splitLines(streamed.replace(/\n$/, '')), { streaming: true }));
        },
        signal,
      );
    } catch (err) {
      if (this.state === 'done') return;
      const cancelled = signal.aborted || isCancellation(err);
      if (replaced) this.rounds.push(replaced);
      if (!cancelled) this.deps.port.warn(`Tandem could not edit this: ${(err as { message?: string }).message ?? String(err)}`);
      await this.afterNoProposal(cancelled ? 'cancelled' : 'failed', shownBefore);
      return;
    }
    if (this.state === 'done') return;
    this.model = result.model;
    this.backendName = result.backend;
    this.editId ??= result.editId;
    this.proposals++;
    if (result.proposal === undefined) {
      if (replaced) this.rounds.push(replaced);
      this.deps.port.warn(`Tandem could not edit this: ${summarizeRefusals(result.rejected) || 'the model proposed no change.'}`);
      await this.afterNoProposal('failed', shownBefore);
      return;
    }
    this.firstLatency ??= Math.max(0, Math.round(this.deps.monotonic() - this.started));
    this.rounds.push({ instruction, proposal: result.proposal });
    this.deps.port.show(renderInlineDiff(this.original, splitLines(result.proposal), { streaming: false }));
    this.setPhase('ready');
  }

  /** No new proposal: back to the last one, or, without any, the use ends. */
  private async afterNoProposal(outcome: 'failed' | 'cancelled', shownBefore: string[] | undefined): Promise<void> {
    if (shownBefore) {
      this.deps.port.show(renderInlineDiff(this.original, shownBefore, { streaming: false }));
      this.setPhase('ready');
      return;
    }
    await this.end(undefined, outcome);
  }

  async accept(): Promise<void> {
    const proposal = this.proposal;
    if (this.state !== 'ready' || !proposal) return;
    await this.end(proposal, 'accepted');
  }

  /** Reject (or, while the first answer streams, cancel): the region as it was. */
  async reject(): Promise<void> {
    if (this.state === 'done') return;
    const streamingFirst = this.state === 'streaming' && this.rounds.length === 0;
    this.abort?.abort();
    await this.end(undefined, streamingFirst ? 'cancelled' : 'rejected');
  }

  private async end(lines: string[] | undefined, outcome: 'accepted' | 'rejected' | 'failed' | 'cancelled'): Promise<void> {
    if (this.state === 'done') return;
    this.setPhase('done');
    this.abort?.abort();
    await this.deps.port.finish(lines);
    this.deps.outcomes.report({
      id: this.editId ?? `inline-${this.started}`,
      command: 'inlineEdit',
      outcome,
      model: this.model,
      ...(this.backendName ? { backend: this.backendName } : {}),
      languageId: this.target.languageId,
      rounds: this.proposals,
      latencyMs: this.firstLatency ?? Math.max(0, Math.round(this.deps.monotonic() - this.started)),
    });
  }

  private setPhase(phase: InlinePhase): void {
    this.state = phase;
    this.deps.port.phase(phase);
  }

  /** Resolves when the running proposal (if any) has settled. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}

function splitLines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}
