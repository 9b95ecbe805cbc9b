import assert from 'node:assert/strict';
import { nextEditReport } from '../../../../extension/next-edit/report';

describe('next-edit expert report', () => {
  const params = {
    document: { path: '/ws/a.ts', languageId: 'typescript', text: 'a\nb', startLine: 0, lineCount: 2, line: 1, character: 0 },
    history: [],
    strictness: 'normal' as const,
  };
  const result = {
    suggestionId: 'x1',
    outcome: 'suggested' as const,
    edits: [{ start: { line: 1, character: 0 }, end: { line: 1, character: 1 }, text: 'count' }],
    region: { startLine: 0, endLine: 2 },
    model: 'sweep',
    backend: 'local',
    format: 'sweep' as const,
    promptTokens: 42,
    timings: { contextMs: 1, firstTokenMs: 80, totalMs: 120, parseMs: 0.1 },
  };

  it('shows the prompt and the raw answer with their fences, and the replacements', () => {
    const text = nextEditReport({ params, result: { ...result, prompt: '<|file_sep|>current/a.ts\n```x```', answer: '\ncount' }, at: 1 });
    assert.match(text, /sweep @ local · sweep format · suggested 1 replacement/);
    assert.match(text, /## Prompt sent\n\n````\n<\|file_sep\|>current\/a\.ts\n```x```\n````/);
    assert.match(text, /## Raw answer\n\n```\n\ncount\n```/);
    assert.match(text, /- 2:1–2:2 → "count"/);
  });

  it('says when there is nothing, or why nothing was suggested', () => {
    assert.match(nextEditReport(undefined), /No next-edit request yet/);
    const none = nextEditReport({ params, result: { ...result, outcome: 'none', reason: 'undo', edits: [] }, at: 1 });
    assert.match(none, /nothing suggested \(undo\)/);
    assert.match(none, /only in expert mode/);
  });
});
