/**
 * One situation every format's golden test renders: the user renamed the parameter `a`
 * of `scale` to `count` (the cursor still after it), the next use still says `a`, the
 * compiler says so, and `clamp` comes from another file.
 */
import type { NextEditHunk, NextEditRequest } from '../../../../../protocol';
import { Excerpt } from '../../../../../daemon/next-edit/excerpt';
import type { PromptInput } from '../../../../../daemon/next-edit/formats/format';

export const SCALE_BEFORE = 'export function scale(a: number, factor: number): number {';
export const SCALE_AFTER = 'export function scale(count: number, factor: number): number {';

export const DOC_LINES = [
  "import { clamp } from './math';",
  '',
  SCALE_AFTER,
  '  const limited = clamp(a, 0, 100);',
  '  return limited * factor;',
  '}',
  '',
];

export const RENAME: NextEditHunk = { path: '/ws/src/scale.ts', at: 1_000, startLine: 2, before: SCALE_BEFORE, after: SCALE_AFTER };

export const CLAMP = 'export function clamp(x: number, lo: number, hi: number): number {\n  return Math.min(hi, Math.max(lo, x));\n}';

export function document(overrides: Partial<NextEditRequest.Params['document']> = {}) {
  return {
    path: '/ws/src/scale.ts',
    languageId: 'typescript',
    text: DOC_LINES.join('\n'),
    startLine: 0,
    lineCount: DOC_LINES.length,
    line: 2,
    character: 'export function scale(count'.length,
    ...overrides,
  };
}

export function renameInput(overrides: Partial<PromptInput> = {}): PromptInput {
  return {
    excerpt: new Excerpt(document()),
    path: 'src/scale.ts',
    languageId: 'typescript',
    history: [{ ...RENAME, shownPath: 'src/scale.ts' }],
    last: RENAME,
    diagnostics: [
      { line: 3, character: 24, endLine: 3, endCharacter: 25, severity: 'error', message: "Cannot find name 'a'.", source: 'ts' },
    ],
    related: [{ path: 'src/math.ts', text: CLAMP }],
    strictness: 'normal',
    ...overrides,
  };
}

/** The window rewritten with the rename carried to the next use. */
export const RENAMED_LINES = DOC_LINES.map((l) => l.replace('clamp(a,', 'clamp(count,'));
