/**
 * The doctor's findings about next-edit suggestions (pure), beside diagnose's others:
 * whether the configured model speaks a next-edit format, or is a plain FIM or chat
 * model (with the pull line of one that works), and whether it can stay loaded beside
 * the completion model on a backend that serves both.
 */
import type { DoctorCheck } from '../../protocol';
import type { TaskConfig } from '../config';
import { sameModel, type LoadedEntry } from './backend';
import { nextEditFamilyLabels, nextEditFit, RECOMMENDED_NEXT_EDIT_MODEL } from './next-edit-models';
import type { ModelTraits } from './fim';

const pull = `\`ollama pull ${RECOMMENDED_NEXT_EDIT_MODEL}\``;
const setIt = `and set the next-edit model to ${RECOMMENDED_NEXT_EDIT_MODEL} (tandem.models.nextEdit, or tasks.nextEdit.model in config.json)`;

/** `model.nextEdit.format`: what the configured next-edit model is. */
export function nextEditCheck(backend: string, model: string, traits: ModelTraits | undefined, configuredFormat: string): DoctorCheck {
  const base = { id: 'model.nextEdit.format', backend };
  if (configuredFormat !== 'auto') {
    return {
      ...base,
      status: 'ok',
      title: `${model} gets next-edit prompts in the ${configuredFormat} format (config.json nextEdit.format)`,
    };
  }
  const fit = nextEditFit(model, traits);
  switch (fit.kind) {
    case 'next-edit':
      return { ...base, status: 'ok', title: `${model} is a next-edit model (${nextEditFamilyLabels[fit.family]} format)` };
    case 'fim':
      return {
        ...base,
        status: 'warn',
        title: `${model} is a fill-in-the-middle model, not a next-edit model`,
        detail:
          'A FIM model completes at the cursor; it was not trained to rewrite a region from your recent edits, so next-edit suggestions would be poor or empty.',
        fix: `Run ${pull} ${setIt}.`,
      };
    case 'chat':
      return {
        ...base,
        status: 'warn',
        title: `${model} is a chat model: next edits use Tandem's generic format`,
        detail: 'It follows the instructions, but slower and less reliably than a model trained for next edits.',
        fix: `For better and faster suggestions run ${pull} ${setIt}.`,
      };
    case 'unknown':
      return {
        ...base,
        status: 'warn',
        title: `Cannot tell which next-edit format ${model} speaks; it gets the generic format`,
        detail:
          'Models are recognised by name (sweep, zeta, instinct). A renamed import can say its format in config.json: "nextEdit": { "format": "sweep" }.',
        fix: `Set nextEdit.format in config.json, or run ${pull} ${setIt}.`,
      };
  }
}

/**
 * `backend.loaded.next-edit`: the completion and next-edit models were both used lately
 * on this backend but are not both loaded, so each switch reloads one.
 */
export function nextEditResidency(
  backend: string,
  host: string,
  tasks: { complete: TaskConfig; nextEdit: TaskConfig },
  loaded: LoadedEntry[],
  recent: (model: string) => boolean,
  recentMinutes: number,
): DoctorCheck | undefined {
  const { complete, nextEdit } = tasks;
  if (sameModel(complete.model, nextEdit.model) || !recent(complete.model) || !recent(nextEdit.model)) return undefined;
  const isLoaded = (m: string) => loaded.some((l) => sameModel(l.name, m));
  if (isLoaded(complete.model) && isLoaded(nextEdit.model)) return undefined;
  return {
    id: 'backend.loaded.next-edit',
    backend,
    status: 'warn',
    title: `The completion and next-edit models cannot both stay loaded on ${backend}`,
    detail: `Both ${complete.model} and ${nextEdit.model} were used in the last ${recentMinutes} minutes but only ${loaded.map((l) => l.name).join(', ') || 'neither'} is loaded: each switch reloads a model and stalls suggestions.`,
    fix: `Set OLLAMA_MAX_LOADED_MODELS=3 (or more) for the Ollama server on ${host} if memory allows (docs/dgx.md sizes both), or use a smaller quantization.`,
  };
}
