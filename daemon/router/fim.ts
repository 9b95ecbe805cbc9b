/**
 * Fill-in-the-middle prompt planning (pure).
 *
 * Given a model name and what `/api/show` says about it, decide how to ask for a
 * completion between `prefix` and `suffix`:
 * - `native`: the model's template handles `.Suffix` (capability `insert`), so Ollama
 *   gets `prompt` + `suffix` and applies the model's own FIM format;
 * - `raw`: a known code-model family without template support: build the prompt with
 *   the family's FIM tokens and send it with `raw: true`, stopping on its special tokens;
 * - `prefix-only`: no way to fill in the middle: continue the prefix as plain text
 *   (the doctor and the log warn about this).
 * With repository-level context (Qwen2.5-Coder, StarCoder2: `repoLayouts`) the prompt is
 * always raw: `<|repo_name|>…<|file_sep|>path\n<|fim_prefix|>…` as those models were trained.
 */

export const FimFamilies = ['qwen', 'deepseek', 'codellama', 'starcoder', 'codestral', 'codegemma'] as const;
export type FimFamily = (typeof FimFamilies)[number];

export interface FimFormat {
  /** Human name for messages. */
  label: string;
  build(prefix: string, suffix: string): string;
  /** Special tokens that end a completion (the model's EOS and other FIM markers). */
  stop: readonly string[];
}

export const fimFormats: Record<FimFamily, FimFormat> = {
  qwen: {
    label: 'Qwen2.5-Coder',
    build: (p, s) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,
    stop: [
      '<|endoftext|>',
      '<|fim_prefix|>',
      '<|fim_suffix|>',
      '<|fim_middle|>',
      '<|fim_pad|>',
      '<|repo_name|>',
      '<|file_sep|>',
      '<|im_start|>',
      '<|im_end|>',
    ],
  },
  deepseek: {
    // Full-width bars (U+FF5C) and the lower-block "▁" (U+2581), exactly as in the tokenizer.
    label: 'DeepSeek-Coder',
    build: (p, s) => `<｜fim▁begin｜>${p}<｜fim▁hole｜>${s}<｜fim▁end｜>`,
    stop: ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<｜end▁of▁sentence｜>', '<|EOT|>'],
  },
  codellama: {
    label: 'CodeLlama',
    build: (p, s) => `<PRE> ${p} <SUF>${s} <MID>`,
    stop: ['<EOT>', '<PRE>', '<SUF>', '<MID>', '</s>'],
  },
  starcoder: {
    label: 'StarCoder2',
    build: (p, s) => `<fim_prefix>${p}<fim_suffix>${s}<fim_middle>`,
    stop: ['<|endoftext|>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<fim_pad>', '<file_sep>', '<repo_name>'],
  },
  codestral: {
    // Suffix first: Mistral's FIM order is [SUFFIX] suffix [PREFIX] prefix.
    label: 'Codestral',
    build: (p, s) => `[SUFFIX]${s}[PREFIX]${p}`,
    stop: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]', '[INST]', '[/INST]', '</s>'],
  },
  codegemma: {
    label: 'CodeGemma',
    build: (p, s) => `<|fim_prefix|>${p}<|fim_suffix|>${s}<|fim_middle|>`,
    stop: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_separator|>', '<end_of_turn>', '<eos>'],
  },
};

/** What `/api/show` tells us about a model (all optional: openai-compatible backends have none). */
export interface ModelTraits {
  family?: string;
  families?: string[];
  template?: string;
  capabilities?: string[];
}

/** The FIM family of a model: by name first, then by the tokens in its template, then `details.family`. */
export function detectFimFamily(model: string, traits: ModelTraits = {}): FimFamily | undefined {
  const n = model.toLowerCase();
  if (n.includes('qwen') && n.includes('coder')) return 'qwen';
  if (n.includes('deepseek-coder') || n.includes('deepseek_coder')) return 'deepseek';
  if (n.includes('codellama') || n.includes('code-llama')) return 'codellama';
  if (n.includes('starcoder')) return 'starcoder';
  if (n.includes('codestral')) return 'codestral';
  if (n.includes('codegemma')) return 'codegemma';
  const t = traits.template ?? '';
  if (t.includes('<｜fim▁begin｜>')) return 'deepseek';
  if (t.includes('<PRE>') && t.includes('<SUF>')) return 'codellama';
  if (t.includes('[SUFFIX]') && t.includes('[PREFIX]')) return 'codestral';
  if (t.includes('<fim_prefix>')) return 'starcoder';
  if (t.includes('<|fim_prefix|>')) return t.includes('<|file_separator|>') || n.includes('gemma') ? 'codegemma' : 'qwen';
  const families = [traits.family ?? '', ...(traits.families ?? [])].map((f) => f.toLowerCase());
  if (families.includes('starcoder2') || families.includes('starcoder')) return 'starcoder';
  return undefined;
}

/** The repository-level context layout a FIM family was trained on, if any. */
export const repoLayouts: Partial<Record<FimFamily, 'qwen-repo' | 'starcoder-repo'>> = { qwen: 'qwen-repo', starcoder: 'starcoder-repo' };

/**
 * How the context engine should write retrieved context for `model`, from its name (the
 * layout is chosen before the backend is, and a model's name decides its family first):
 * its family's repository-level layout, else comments.
 */
export function promptLayoutFor(model: string): 'comments' | 'qwen-repo' | 'starcoder-repo' {
  const family = detectFimFamily(model);
  return (family && repoLayouts[family]) ?? 'comments';
}

/** Ollama marks models whose template handles `.Suffix` with the `insert` capability. */
export function supportsNativeInsert(traits: ModelTraits): boolean {
  if (traits.capabilities?.includes('insert')) return true;
  return /\.Suffix\b/.test(traits.template ?? '');
}

/** A chat-tuned model by its name (instruct, chat, `-it`). */
export function looksInstruct(model: string): boolean {
  const tag = model.toLowerCase();
  return /instruct|chat|(^|[-_:.])it($|[-_:.])/.test(tag);
}

export interface FimPlan {
  mode: 'native' | 'raw' | 'prefix-only';
  /** What goes into `prompt`. */
  prompt: string;
  /** What goes into `suffix` (native mode only). */
  suffix?: string;
  /** Send with `raw: true` (no template). */
  raw: boolean;
  /** Stop sequences: the family's special tokens (raw mode) plus the caller's, deduplicated. */
  stop: string[];
  family?: FimFamily;
  /** Set when the model is a poor fit for completions (instruct model, no FIM). */
  warning?: string;
}

/**
 * How to ask `model` for the text between `prefix` and `suffix`.
 * `extraStop`: task and request stop sequences. `repoContext`: repository-level context in
 * the family's layout; it goes before the FIM prefix token, so the prompt is built raw even
 * when the template could fill in (a template puts everything after that token). Dropped
 * when the family has no such layout.
 */
export function planFim(
  model: string,
  traits: ModelTraits,
  prefix: string,
  suffix: string,
  extraStop: readonly string[] = [],
  repoContext?: string,
): FimPlan {
  const family = detectFimFamily(model, traits);
  if (repoContext !== undefined && family && repoLayouts[family]) {
    const fmt = fimFormats[family];
    const warning = looksInstruct(model)
      ? `${model} is an instruct/chat model; completions work best with a base model such as qwen2.5-coder:1.5b-base.`
      : undefined;
    return {
      mode: 'raw',
      prompt: repoContext + fmt.build(prefix, suffix),
      raw: true,
      stop: dedupe([...fmt.stop, ...extraStop]),
      family,
      warning,
    };
  }
  const native = supportsNativeInsert(traits);
  const instruct = looksInstruct(model);
  let warning: string | undefined;
  if (instruct) {
    warning = `${model} is an instruct/chat model; completions work best with a base model such as qwen2.5-coder:1.5b-base.`;
  } else if (!native && !family) {
    warning = `${model} has no fill-in-the-middle support (no insert capability, unknown FIM family); completions only continue the prefix. Use a base code model such as qwen2.5-coder:1.5b-base.`;
  }
  if (native) {
    return {
      mode: 'native',
      prompt: prefix,
      suffix,
      raw: false,
      stop: dedupe([...(family ? fimFormats[family].stop : []), ...extraStop]),
      family,
      warning,
    };
  }
  if (family) {
    const fmt = fimFormats[family];
    return { mode: 'raw', prompt: fmt.build(prefix, suffix), raw: true, stop: dedupe([...fmt.stop, ...extraStop]), family, warning };
  }
  return { mode: 'prefix-only', prompt: prefix, raw: true, stop: dedupe([...extraStop]), warning };
}

function dedupe(list: string[]): string[] {
  return [...new Set(list.filter((s) => s.length > 0))];
}
