/** The host's arbiter between completions, next edits and an inline edit's preview. */
import assert from 'node:assert/strict';
import { SuggestionArbiter } from '../../../extension/suggestion-arbiter';

describe('suggestion arbiter', () => {
  it('tells completion visibility changes once each', () => {
    const a = new SuggestionArbiter();
    const seen: boolean[] = [];
    const sub = a.onCompletionVisibility((v) => seen.push(v));
    a.setCompletionVisible(true);
    a.setCompletionVisible(true);
    a.setCompletionVisible(false);
    sub.dispose();
    a.setCompletionVisible(true);
    assert.deepEqual(seen, [true, false]);
    assert.equal(a.completionVisible, true);
  });

  it('completions yield only at the exact position a next edit claimed', () => {
    const a = new SuggestionArbiter();
    a.claimCursor({ path: '/ws/a.ts', line: 3, character: 7 });
    assert.equal(a.claimed('/ws/a.ts', 3, 7), true);
    assert.equal(a.claimed('/ws/a.ts', 3, 8), false);
    assert.equal(a.claimed('/ws/b.ts', 3, 7), false);
    a.claimCursor(undefined);
    assert.equal(a.claimed('/ws/a.ts', 3, 7), false);
  });

  it('tells who takes the preview and which one ended', () => {
    const a = new SuggestionArbiter();
    const seen: Array<[string | undefined, string | undefined]> = [];
    a.onEditPreview((path, previous) => seen.push([path, previous]));
    a.setEditPreview('/ws/a.ts');
    a.setEditPreview('/ws/a.ts');
    assert.equal(a.editPreview, '/ws/a.ts');
    a.setEditPreview(undefined);
    assert.deepEqual(seen, [
      ['/ws/a.ts', undefined],
      [undefined, '/ws/a.ts'],
    ]);
    assert.equal(a.editPreview, undefined);
  });
});
