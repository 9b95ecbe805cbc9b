import { strict as assert } from 'node:assert';
import { CompletionActivity } from '../../../../extension/completion/activity';
import type { Suggestion } from '../../../../extension/completion/completion-core';

function suggestion(completionId: string, text: string): Suggestion {
  return {
    text,
    completionId,
    model: 'qwen2.5-coder:1.5b-base',
    backend: 'local',
    finishReason: 'stop',
    timings: { contextMs: 4, firstTokenMs: 80, totalMs: 120 },
    overheadMs: 1.5,
    debounceMs: 30,
    source: 'network',
    multiline: text.includes('\n'),
  };
}

describe('completion activity', () => {
  it('records a shown suggestion for the inspector and the request log, then tells the listeners', () => {
    const activity = new CompletionActivity();
    const seen: Array<string | undefined> = [];
    const sub = activity.onDidShow(() => seen.push(activity.lastSuggestion?.completionId));
    assert.equal(activity.lastSuggestion, undefined);

    activity.shown(suggestion('c1', 'a +\n b'), { path: '/ws/math.ts', languageId: 'typescript' }, 1000);
    assert.deepEqual(activity.lastSuggestion, {
      completionId: 'c1',
      model: 'qwen2.5-coder:1.5b-base',
      backend: 'local',
      languageId: 'typescript',
      path: '/ws/math.ts',
      text: 'a +\n b',
      source: 'network',
      timings: { contextMs: 4, firstTokenMs: 80, totalMs: 120 },
      overheadMs: 1.5,
    });
    assert.deepEqual(activity.requests.last, {
      at: 1000,
      path: '/ws/math.ts',
      languageId: 'typescript',
      source: 'network',
      completionId: 'c1',
      model: 'qwen2.5-coder:1.5b-base',
      backend: 'local',
      debounceMs: 30,
      contextMs: 4,
      firstTokenMs: 80,
      totalMs: 120,
      overheadMs: 1.5,
      chars: 6,
      multiline: true,
    });

    activity.shown(suggestion('c2', ';'), { path: 'untitled:Untitled-1', languageId: 'plaintext' }, 2000);
    sub.dispose();
    activity.shown(suggestion('c3', 'x'), { path: '/ws/a.ts', languageId: 'typescript' }, 3000);
    assert.deepEqual(seen, ['c1', 'c2'], 'a disposed listener hears nothing');
    assert.deepEqual(
      activity.requests.list().map((r) => r.completionId),
      ['c3', 'c2', 'c1'],
    );
  });
});
