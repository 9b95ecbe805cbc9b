import assert from 'node:assert/strict';
import { cleanCommitMessage, commitStyle } from '../../../../daemon/commands/commit-style';

describe('commit message style from recent subjects', () => {
  it('sees Conventional Commits with scopes, lower case, no period', () => {
    const style = commitStyle(['feat(api): add retries', 'fix(ui): keep focus', 'chore(deps): bump zod', 'Merge branch main']);
    assert.match(style[0]!, /Conventional Commits type.*"feat:", "fix:", "chore:".*with a scope/);
    assert.ok(style.includes('Start the description with a lower-case letter.'));
    assert.ok(style.includes('Do not end the subject with a period.'));
  });

  it('sees capitalised sentences with periods, and a length limit from the longest usual subject', () => {
    const long = 'A'.repeat(84);
    const style = commitStyle(['Add the cache.', 'Fix the reconnect loop.', `${long}.`]);
    assert.ok(style.includes('Start the description with a capital letter.'));
    assert.ok(style.includes('End the subject with a period.'));
    assert.ok(style.includes('Keep the subject within 90 characters, like the examples.'));
    assert.ok(!style.some((s) => s.includes('Conventional')));
  });

  it('sees ticket prefixes, and gives defaults without history', () => {
    assert.ok(commitStyle(['ABC-12 Add x', 'ABC-13 Fix y']).includes('Start the subject with the ticket id, as the examples do.'));
    assert.match(commitStyle([]).join(' '), /imperative mood.*72 characters/);
  });
});

describe('cleaning a generated commit message', () => {
  it('removes fences, preambles and quotes', () => {
    assert.equal(cleanCommitMessage('```\nAdd retries to the client\n```'), 'Add retries to the client');
    assert.equal(cleanCommitMessage('Here is a commit message:\n\nAdd retries'), 'Add retries');
    assert.equal(cleanCommitMessage('Commit message: "Add retries"'), 'Add retries');
  });
  it('puts a blank line between subject and body and collapses blank runs', () => {
    assert.equal(
      cleanCommitMessage('Add retries\nThe client retried never.\n\n\n\nNow thrice.  '),
      'Add retries\n\nThe client retried never.\n\nNow thrice.',
    );
  });
  it('is empty for an empty answer', () => {
    assert.equal(cleanCommitMessage(' \n```\n```'), '');
  });
});
