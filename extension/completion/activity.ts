/**
 * What inline completions did, for the features that show it: the request log (status
 * bar, Explorer view, timings and raw-prompt reports), the recent files (context for
 * fixes and edits) and the last suggestion shown (the "Why this suggestion?"
 * inspector). Only the completion contribution writes it; the host hands it to every
 * feature. Pure.
 */
import type { InspectedSuggestion } from '../../webview-ui/inspector-protocol';
import type { Suggestion } from './completion-core';
import { RecentFiles } from './recent-files';
import { RequestLog } from './request-log';

export interface ShownIn {
  /** File path, or the URI of an unsaved document. */
  path: string;
  languageId: string;
}

export class CompletionActivity {
  readonly requests = new RequestLog();
  readonly recent = new RecentFiles();
  private last: InspectedSuggestion | undefined;
  private readonly listeners = new Set<() => void>();

  /** The latest suggestion shown, as the inspector describes it. */
  get lastSuggestion(): InspectedSuggestion | undefined {
    return this.last;
  }

  /** Records a suggestion that was shown at `at` (epoch ms), then tells the listeners. */
  shown(s: Suggestion, where: ShownIn, at: number): void {
    this.last = {
      completionId: s.completionId,
      model: s.model,
      backend: s.backend,
      languageId: where.languageId,
      path: where.path,
      text: s.text,
      source: s.source,
      timings: s.timings,
      overheadMs: s.overheadMs,
    };
    this.requests.add({
      at,
      path: where.path,
      languageId: where.languageId,
      source: s.source,
      completionId: s.completionId,
      model: s.model,
      backend: s.backend,
      debounceMs: s.debounceMs,
      contextMs: s.timings.contextMs,
      firstTokenMs: s.timings.firstTokenMs,
      totalMs: s.timings.totalMs,
      overheadMs: s.overheadMs,
      chars: s.text.length,
      multiline: s.multiline,
    });
    for (const listener of [...this.listeners]) listener();
  }

  /** Called after every recorded suggestion. */
  onDidShow(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}
