/**
 * Which models can serve next-edit suggestions (pure): the next-edit families by name,
 * and the verdict the doctor gives on the configured model — a next-edit model, or a
 * plain fill-in-the-middle or chat model that would do it badly — with the pull line of
 * one that works.
 */
import type { NextEditFormat } from '../../protocol';
import { detectFimFamily, looksInstruct, type ModelTraits } from './fim';

export type NextEditFamily = Exclude<NextEditFormat, 'generic'>;

/** Sweep Next-Edit 1.5B: the strongest published small next-edit model, a GGUF on Hugging Face. */
export const RECOMMENDED_NEXT_EDIT_MODEL = 'hf.co/sweepai/sweep-next-edit-1.5B';

export const nextEditFamilyLabels: Record<NextEditFamily, string> = {
  sweep: 'Sweep Next-Edit',
  zeta: 'Zeta (Zed)',
  instinct: 'Instinct (Continue)',
};

/** The next-edit family a model name names, if any (`hf.co/sweepai/sweep-next-edit-1.5B`, `nate/instinct`, `…zeta…`). */
export function nextEditFamily(model: string): NextEditFamily | undefined {
  const n = model.toLowerCase();
  if (n.includes('sweep')) return 'sweep';
  if (/(^|[^a-z])zeta([^a-z]|$)/.test(n)) return 'zeta';
  if (n.includes('instinct')) return 'instinct';
  return undefined;
}

export type NextEditFit = { kind: 'next-edit'; family: NextEditFamily } | { kind: 'fim' } | { kind: 'chat' } | { kind: 'unknown' };

/** What the configured next-edit model is. */
export function nextEditFit(model: string, traits: ModelTraits = {}): NextEditFit {
  const family = nextEditFamily(model);
  if (family) return { kind: 'next-edit', family };
  if (looksInstruct(model) || /\{\{\s*-?\s*range\s+\.Messages/.test(traits.template ?? '')) return { kind: 'chat' };
  if (detectFimFamily(model, traits) || traits.capabilities?.includes('insert')) return { kind: 'fim' };
  return { kind: 'unknown' };
}
