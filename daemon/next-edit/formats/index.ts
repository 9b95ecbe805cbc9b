/**
 * The next-edit prompt formats and which one a model speaks: by the model's name unless
 * config.json's `nextEdit.format` says otherwise (a model imported under another name).
 */
import type { NextEditFormat } from '../../../protocol';
import { nextEditFamily } from '../../router/next-edit-models';
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

export function formatFor(model: string, configured: NextEditFormat | 'auto'): NextEditFormat {
  return configured !== 'auto' ? configured : (nextEditFamily(model) ?? 'generic');
}
