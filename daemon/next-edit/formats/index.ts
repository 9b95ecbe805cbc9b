/**
 * The next-edit prompt formats and which one a model speaks: by the model's name unless
 * config.json's `nextEdit.format` says otherwise (a model imported under another name).
 */
import type { NextEditFormat } from '../../../protocol';
import type { PromptFormat } from './format';
import { genericFormat } from './generic';
import { instinctFormat } from './instinct';
import { sweepFormat } from './sweep';
import { zetaFormat } from './zeta';

export const promptFormats: Record<NextEditFormat, PromptFormat> = {
  sweep: sweepFormat,
  zeta: zetaFormat,
  instinct: instinctFormat,
  generic: genericFormat,
};

/** The next-edit family a model name names, if any (`hf.co/sweepai/sweep-next-edit-1.5B`, `nate/instinct`, `…zeta…`). */
export function nextEditFamily(model: string): Exclude<NextEditFormat, 'generic'> | undefined {
  const n = model.toLowerCase();
  if (n.includes('sweep')) return 'sweep';
  if (/(^|[^a-z])zeta([^a-z]|$)/.test(n)) return 'zeta';
  if (n.includes('instinct')) return 'instinct';
  return undefined;
}

export function formatFor(model: string, configured: NextEditFormat | 'auto'): NextEditFormat {
  return configured !== 'auto' ? configured : (nextEditFamily(model) ?? 'generic');
}
