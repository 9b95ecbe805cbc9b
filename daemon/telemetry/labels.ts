/**
 * Label values of the suggestion metrics. Events come from clients, and every new label
 * value is a new Prometheus series held in memory and rendered on each scrape, so a
 * value becomes a label only when the daemon knows it: a model configured for a task, a
 * configured backend, a language of the fixed list (`KNOWN_LANGUAGE_IDS`). Anything else
 * is `other`. On top of that at most `maxSeries` distinct (model, backend, language) sets
 * are labelled; once that many exist, a new set counts under `other` for all three.
 * The stored events keep the values as reported (`tandem/stats/get` shows them).
 */
import { KNOWN_LANGUAGE_IDS } from '../languages';
import { withTag } from '../router/backend';

export const OTHER_LABEL = 'other';

/** Default bound on label sets, far above a real setup (a few models × backends × languages). */
export const MAX_LABEL_SETS = 500;

export interface SuggestionLabelSet {
  model: string;
  backend: string;
  language: string;
}

/** What the daemon knows now (read on every use, so a settings update applies at once). */
export interface KnownLabelValues {
  models(): Iterable<string>;
  backends(): Iterable<string>;
}

export class SuggestionLabels {
  private readonly sets = new Set<string>();

  constructor(
    private readonly known: KnownLabelValues,
    private readonly maxSets = MAX_LABEL_SETS,
  ) {}

  /** The labels to count a reported (model, backend, language) under. */
  of(model: string | undefined, backend: string | undefined, language: string | undefined): SuggestionLabelSet {
    const labels = {
      model: model !== undefined && this.isKnownModel(model) ? model : OTHER_LABEL,
      backend: backend !== undefined && this.isKnownBackend(backend) ? backend : OTHER_LABEL,
      language: language !== undefined && KNOWN_LANGUAGE_IDS.has(language) ? language : OTHER_LABEL,
    };
    const key = `${labels.model}\u0000${labels.backend}\u0000${labels.language}`;
    if (this.sets.has(key)) return labels;
    if (this.sets.size >= this.maxSets) return { model: OTHER_LABEL, backend: OTHER_LABEL, language: OTHER_LABEL };
    this.sets.add(key);
    return labels;
  }

  /** Distinct label sets handed out so far (at most `maxSets`, plus the all-`other` one). */
  get size(): number {
    return this.sets.size;
  }

  private isKnownModel(model: string): boolean {
    const tagged = withTag(model);
    for (const m of this.known.models()) if (m === model || withTag(m) === tagged) return true;
    return false;
  }

  private isKnownBackend(backend: string): boolean {
    for (const b of this.known.backends()) if (b === backend) return true;
    return false;
  }
}
