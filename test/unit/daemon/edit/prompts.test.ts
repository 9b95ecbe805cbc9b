import assert from 'node:assert/strict';
import { documentExcerpt, fenceFor, fixMessages, planMessages, stepMessages } from '../../../../daemon/edit/prompts';

const diag = (line: number) => ({
  message: `problem on ${line + 1}`,
  severity: 'error' as const,
  source: 'ts',
  code: 2322,
  range: { start: { line, character: 2 }, end: { line, character: 5 } },
});

describe('edit prompts', () => {
  it('quotes code with a fence longer than any backtick run inside it', () => {
    assert.equal(fenceFor('plain'), '```');
    assert.equal(fenceFor('a ``` b'), '````');
    assert.equal(fenceFor('x `````'), '``````');
  });

  it('shows a short file whole and a long one as merged windows around the problems', () => {
    assert.deepEqual(documentExcerpt('a\nb\n', [diag(0)]).ranges, [[1, 3]]);
    const long = Array.from({ length: 1000 }, (_, k) => `line ${k + 1}`).join('\n');
    const ex = documentExcerpt(long, [diag(100), diag(120), diag(900)], { window: 10 });
    assert.equal(ex.whole, false);
    assert.deepEqual(ex.ranges, [
      [91, 131],
      [891, 911],
    ]);
    assert.match(ex.text, /^line 91\n/);
    assert.match(ex.text, /line 131\n\n… \(lines left out\) …\n\nline 891/);
  });

  it('builds the fix prompt: format rules first, then related code, the file, the problems', () => {
    const msgs = fixMessages({
      relativePath: 'src/a.ts',
      languageId: 'typescript',
      text: 'let x: number = "1";\n',
      diagnostics: [diag(0)],
      related: 'Project rules (AGENTS.md):\nUse const.',
    });
    assert.equal(msgs[0]!.role, 'system');
    assert.match(msgs[0]!.content, /<<<<<<< SEARCH/);
    const user = msgs[1]!.content;
    assert.ok(user.indexOf('Project rules') < user.indexOf('File src/a.ts (the whole file)'));
    assert.ok(user.indexOf('```typescript\nlet x: number = "1";\n```') > 0);
    assert.match(user, /1\. error at line 1, column 3 \[ts 2322\]: problem on 1\n {3}The line: let x: number = "1";/);
    assert.match(user, /Fix this problem\. Edit only src\/a\.ts\.$/);
  });

  it('asks the planner for JSON with the listing, picked files and instruction last', () => {
    const msgs = planMessages({
      instruction: 'Add logging',
      listing: ['src/a.ts', 'src/b.ts'],
      listingTruncated: true,
      files: [{ relativePath: 'src/a.ts', text: 'a', languageId: 'typescript' }],
      related: '',
    });
    assert.match(msgs[0]!.content, /Answer with JSON only/);
    assert.match(msgs[1]!.content, /^Files in the workspace \(first ones only\):\nsrc\/a\.ts\nsrc\/b\.ts/);
    assert.match(msgs[1]!.content, /Instruction:\nAdd logging\n\nAnswer with the JSON plan only\.$/);
  });

  it('gives a modify step the current text and a create step the whole-file instruction', () => {
    const base = {
      instruction: 'Add logging',
      summary: 'Log',
      otherSteps: [{ action: 'create', relativePath: 'src/log.ts', description: 'logger' }],
      earlier: [{ relativePath: 'src/log.ts', text: 'export const log = console.log;\n' }],
      related: '',
    };
    const modify = stepMessages({
      ...base,
      step: { action: 'modify', relativePath: 'src/a.ts', description: 'Call log.' },
      text: 'a();\n',
      languageId: 'typescript',
    });
    assert.match(modify[0]!.content, /SEARCH\/REPLACE block/);
    assert.match(modify[1]!.content, /src\/log\.ts, as changed by an earlier step/);
    assert.match(modify[1]!.content, /Current content of src\/a\.ts:\n\n```typescript\na\(\);\n```/);
    assert.match(modify[1]!.content, /Your step: Call log\.\nEdit only src\/a\.ts/);
    const create = stepMessages({ ...base, step: { action: 'create', relativePath: 'src/log.ts', description: 'A logger.' } });
    assert.match(create[0]!.content, /single fenced code block/);
    assert.match(create[1]!.content, /Your step: create src\/log\.ts\. A logger\./);
  });
});
