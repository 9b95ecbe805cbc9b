/**
 * Go: a type written in the document and one written in another package's declaration name the
 * same type in two spellings. After `zapcore.`, `zapcore.Level` in the document is the `Level`
 * zapcore's own files write (`func LevelOf(enab LevelEnabler) Level`); and a package's alias
 * `type Field = zapcore.Field` makes zap's `func Int(key string, val int) Field` give a
 * `zapcore.Field`, as the type checker reads it.
 */
import { goPackageDir } from './go-position';
import type { GoValueIndex } from './go-values';

/** `type` with the qualifier `q.` taken off the names it qualifies (`(*zapcore.Encoder,error)` → `(*Encoder,error)`). */
export function unqualified(type: string, q: string): string {
  if (!/^[A-Za-z_]\w*$/.test(q)) return type;
  return type.replace(new RegExp(`(?<![\\w.])${q}\\.(?=[A-Za-z_])`, 'g'), '');
}

/**
 * `type` as written in a file of the package the document imports as `q`, in the document's spelling: its
 * exported names not already qualified get `q.` (`EncoderConfig` → `zapcore.EncoderConfig`, `[]Field` →
 * `[]zapcore.Field`; `int`, `error`, `time.Duration` stay).
 */
export function qualified(type: string, q: string): string {
  if (!/^[A-Za-z_]\w*$/.test(q)) return type;
  return type.replace(/(?<![\w.])([A-Z]\w*)(?![\w.])/g, `${q}.$1`);
}

/** Alias declarations looked up per ranking (one definitions query and one chunk read each). */
const MAX_ALIAS_READS = 8;

/** What a ranking has read of aliases: the target per folder and name (null: no alias). */
export interface AliasReads {
  n: number;
  aliases?: Map<string, string | null>;
}

/**
 * `result` (a result as written in a file of folder `dir`, spaces removed) with its named type
 * replaced by what the folder's alias declaration stands for (`Field` → `zapcore.Field`, `*Field`
 * → `*zapcore.Field`), undefined when the type is no alias the index declares there.
 */
export function goAliasedResult(result: string, dir: string, index: GoValueIndex, reads: AliasReads): string | undefined {
  const m = /^([*[\]]*)([A-Za-z_]\w*)$/.exec(result);
  if (!m) return undefined;
  const target = aliasTarget(m[2], dir, index, reads);
  return target === undefined ? undefined : m[1] + target;
}

function aliasTarget(name: string, dir: string, index: GoValueIndex, reads: AliasReads): string | undefined {
  reads.aliases ??= new Map();
  const key = `${dir}\0${name}`;
  const known = reads.aliases.get(key);
  if (known !== undefined) return known ?? undefined;
  if (reads.n >= MAX_ALIAS_READS) return undefined;
  reads.n++;
  let target: string | null = null;
  const def = index.definitions(name, 8).find((d) => d.kind === 'type' && d.container === undefined && goPackageDir(d.path) === dir);
  const row = def && index.chunks([def.chunkId]).get(def.chunkId);
  if (def && row) {
    const line = row.text.split('\n')[def.line - row.startLine] ?? '';
    // `type Field = zapcore.Field` or `Field = zapcore.Field` in a group; not a generic alias's parameters.
    const a = new RegExp(`^\\s*(?:type\\s+)?${name}\\s*=\\s*([*[\\]\\w.]+)\\s*(?://.*)?$`).exec(line);
    if (a) target = a[1];
  }
  reads.aliases.set(key, target);
  return target ?? undefined;
}
