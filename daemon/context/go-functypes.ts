/**
 * Go: where a named function type is wanted (`EncodeDuration: zapcore.|` with the field typed
 * `DurationEncoder`, `type DurationEncoder func(time.Duration, PrimitiveArrayEncoder)`), a function
 * passed by name fits when its signature is the type's, as assignability requires of a function value
 * (`func SecondsDurationEncoder(d time.Duration, enc PrimitiveArrayEncoder)`). Parameter names do not
 * count; a generic function cannot be passed uninstantiated.
 */
import { goPackageDir } from './go-position';
import { qualified } from './go-qualified';
import { closing, declarationLine, parameterTypes, type GoValueIndex } from './go-values';
import type { ChunkRow } from './index-store';
import type { DefinitionSite } from './syntax/facts';

/** A signature as written, spaces and names removed: its parameter types and its result (`(int,error)`, '' for none). */
interface Signature {
  params: string[];
  result: string;
  dir: string;
}

/** What a ranking has read of function types (null: the name is no function type of the workspace). */
export interface FuncTypeReads {
  funcTypes?: Map<string, Signature | null>;
}

/** Whether function or method `site` (its declaration in `row`) has the signature of the function type `wanted` names. */
export function goFuncTypeFit(site: DefinitionSite, row: ChunkRow, wanted: string, index: GoValueIndex, reads: FuncTypeReads): boolean {
  const w = /^(?:(\w+)\.)?([A-Za-z_]\w*)$/.exec(wanted);
  if (!w) return false;
  const type = funcType(w[2], w[1], index, reads);
  if (!type) return false;
  const decl = declarationLine(site, row);
  const m = /^func\s*(?:\([^()]*\)\s*)?\w+\s*\(/.exec(decl);
  if (!m) return false;
  const close = closing(decl, m[0].length);
  if (close < 0) return false;
  const result = /^\s*([^{]*?)\s*\{?\s*$/.exec(decl.slice(close + 1))?.[1];
  if (result === undefined) return false;
  const got = signature(decl.slice(m[0].length, close), result, goPackageDir(site.path));
  return same(got, type);
}

function same(a: Signature, b: Signature): boolean {
  // Spelled in two packages: each package's own exported names as the other writes them.
  const qa = (t: string) => (a.dir === b.dir ? t : qualified(t, a.dir.split('/').at(-2) ?? ''));
  const qb = (t: string) => (a.dir === b.dir ? t : qualified(t, b.dir.split('/').at(-2) ?? ''));
  return a.params.length === b.params.length && a.params.every((p, i) => qa(p) === qb(b.params[i])) && qa(a.result) === qb(b.result);
}

function signature(params: string, result: string, dir: string): Signature {
  const r = result.replace(/\s*\/\/.*$/, '').trim();
  const results = r.startsWith('(') ? parameterTypes(r.slice(1, -1)).map(compact).join(',') : compact(r);
  return {
    params: params.trim() === '' ? [] : parameterTypes(params).map((p) => compact(p.replace(/^\.\.\./, '...'))),
    result: r.startsWith('(') ? `(${results})` : results,
    dir,
  };
}

function compact(t: string): string {
  return t.replace(/\s+/g, '');
}

/** Definitions of a wanted name looked at for its function type declaration. */
const TYPE_DEFINITIONS = 8;

function funcType(name: string, pkg: string | undefined, index: GoValueIndex, reads: FuncTypeReads): Signature | undefined {
  reads.funcTypes ??= new Map();
  const key = `${pkg ?? ''}.${name}`;
  const known = reads.funcTypes.get(key);
  if (known !== undefined) return known ?? undefined;
  const defs = index.definitions(name, TYPE_DEFINITIONS).filter((d) => d.kind === 'type' && d.container === undefined);
  const def = (pkg ? defs.find((d) => d.path.split('/').at(-2) === pkg) : undefined) ?? (defs.length === 1 ? defs[0] : undefined);
  let sig: Signature | null = null;
  const row = def && index.chunks([def.chunkId]).get(def.chunkId);
  if (def && row) {
    const line = declarationLine(def, row);
    const m = new RegExp(`^\\s*(?:type\\s+)?${name}\\s+func\\s*\\(`).exec(line);
    const close = m ? closing(line, m[0].length) : -1;
    if (m && close >= 0) sig = signature(line.slice(m[0].length, close), line.slice(close + 1), goPackageDir(def.path));
  }
  reads.funcTypes.set(key, sig);
  return sig ?? undefined;
}
