/**
 * `Tandem: Write Commit Message`: the staged diff (or the working tree's when nothing is
 * staged), the last commits' subjects and the branch go to the daemon; the message
 * streams into the Source Control input box and is reported `shown`. Then the next
 * commit decides: made with the message, or one close to it (at least half of it kept
 * by edit distance), it is `accepted`; made with another message, or replaced by a new
 * generation before, `rejected`. Cancelling puts back what the box held. The repository
 * comes in as `CommitRepo` (the Git extension's API in VS Code), so this runs in Node.
 */
import { isCancellation } from '../../protocol';
import { editDistance } from '../tracking/edit-distance';
import type { CommandsBackend } from './commands-backend';
import type { OutcomeReporter } from './outcome-reporter';

export interface CommitRepo {
  /** The repository's root (for messages and as its key). */
  readonly root: string;
  /** Brings the counts up to date (a change staged from a terminal a moment ago is not in them yet). */
  refresh(): Promise<void>;
  stagedCount(): number;
  /** Tracked files changed in the working tree. */
  changedCount(): number;
  diff(staged: boolean): Promise<string>;
  recentSubjects(max: number): Promise<string[]>;
  branch(): string | undefined;
  readonly input: { get(): string; set(value: string): void };
  /** The commit HEAD points at (undefined in a repository without commits). */
  head(): string | undefined;
  headMessage(): Promise<string | undefined>;
  onDidChange(listener: () => void): { dispose(): void };
}

export interface CommitFlowDeps {
  backend: Pick<CommandsBackend, 'commitMessage'>;
  outcomes: OutcomeReporter;
  monotonic(): number;
  info(message: string): void;
  warn(message: string): void;
}

/** How much of `generated` is still in `committed`: 1 − edit distance / the longer length. */
export function keptShare(generated: string, committed: string): number {
  const a = generated.trim();
  const b = committed.trim();
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - editDistance(a, b) / longest;
}

interface Watch {
  id: string;
  message: string;
  report: { model: string; backend: string; latencyMs: number };
  head: string | undefined;
  subscription: { dispose(): void };
}

export class CommitMessageWriter {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly deps: CommitFlowDeps) {}

  async write(repo: CommitRepo, signal?: AbortSignal): Promise<'written' | 'nothing' | 'cancelled' | 'failed'> {
    await repo.refresh();
    const staged = repo.stagedCount() > 0;
    if (!staged && repo.changedCount() === 0) {
      this.deps.info('Tandem: there are no changes to describe (stage some, or change a tracked file).');
      return 'nothing';
    }
    const started = this.deps.monotonic();
    const [diff, recentSubjects] = await Promise.all([repo.diff(staged), repo.recentSubjects(15).catch(() => [])]);
    if (diff.trim() === '') {
      this.deps.info('Tandem: the diff is empty (only untracked or binary changes?); stage a change to describe.');
      return 'nothing';
    }
    this.replaced(repo);
    const before = repo.input.get();
    let text = '';
    repo.input.set('');
    try {
      const result = await this.deps.backend.commitMessage(
        { diff, staged, recentSubjects, ...(repo.branch() ? { branch: repo.branch() } : {}) },
        (delta) => {
          text += delta;
          repo.input.set(text);
        },
        signal,
      );
      repo.input.set(result.message);
      const latencyMs = Math.max(0, Math.round(this.deps.monotonic() - started));
      const report = { model: result.model, backend: result.backend, latencyMs };
      this.deps.outcomes.report({ id: result.messageId, command: 'commitMessage', outcome: 'shown', ...report });
      this.watch(repo, { id: result.messageId, message: result.message, report, head: repo.head() });
      if (result.summarisedFiles > 0)
        this.deps.info(`Tandem: the diff was too large to show whole; ${result.summarisedFiles} of ${result.files} files were summarised.`);
      return 'written';
    } catch (err) {
      repo.input.set(before);
      if (signal?.aborted || isCancellation(err)) return 'cancelled';
      this.deps.warn(`Tandem could not write a commit message: ${(err as { message?: string }).message ?? String(err)}`);
      return 'failed';
    }
  }

  private watch(repo: CommitRepo, w: Omit<Watch, 'subscription'>): void {
    const subscription = repo.onDidChange(() => {
      const head = repo.head();
      if (head === w.head) return;
      this.watches.delete(repo.root);
      subscription.dispose();
      void repo
        .headMessage()
        .then((committed) => {
          const outcome = committed !== undefined && keptShare(w.message, committed) >= 0.5 ? 'accepted' : 'rejected';
          this.deps.outcomes.report({ id: w.id, command: 'commitMessage', outcome, ...w.report });
        })
        .catch(() => undefined);
    });
    this.watches.set(repo.root, { ...w, subscription });
  }

  /** A new message for a repository whose last one was never committed: that one was rejected. */
  private replaced(repo: CommitRepo): void {
    const w = this.watches.get(repo.root);
    if (!w) return;
    this.watches.delete(repo.root);
    w.subscription.dispose();
    this.deps.outcomes.report({ id: w.id, command: 'commitMessage', outcome: 'rejected', ...w.report });
  }

  dispose(): void {
    for (const w of this.watches.values()) w.subscription.dispose();
    this.watches.clear();
  }
}
