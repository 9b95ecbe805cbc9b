/**
 * TypeScript: the types a type alias stands for, whose members a value of the alias has:
 * `type AnyMachine = StateMachine<any>` is a StateMachine, `type Ctx = Base & { extra: X }`
 * has Base's members (and its own), `type Maybe = Actor | undefined` is an Actor, and
 * `type Opts = Partial<Options>` (Required, Readonly, Pick, Omit, NonNullable) has Options'
 * members. A union of several types has none of them for sure, only what its arms share:
 * `aliasArms` names the arms, and facts.ts keeps the types every arm is or extends
 * (`type Snapshot = Active | Done` with both extending `SnapshotBase`: SnapshotBase's members).
 */
import { plainType, splitTop } from './type-names';

/** Types whose members are no type argument's: a map of values, a set of names, a function's parts. */
const NOT_MEMBERS = /^(Record|Exclude|Extract|ReturnType|Parameters|ConstructorParameters|ThisType|Uppercase|Lowercase)$/;

/** Arms of a union read at most, and parts of an intersection. */
const MAX_PARTS = 4;
const MAX_ARMS = 8;

/** The type names the alias declared by `header` stands for (a single type, or the parts of an intersection). */
export function aliasTargets(header: string): string[] {
  const arms = unionOf(header);
  if (!arms || arms.length !== 1) return [];
  const out: string[] = [];
  for (const part of splitTop(arms[0], '&').slice(0, MAX_PARTS)) {
    const name = namedType(part);
    if (name) out.push(name);
  }
  return out;
}

/** A union alias's arms (`type S = A<T> | B | undefined` → A, B), when it has two or more named ones; else []. */
export function aliasArms(header: string): string[] {
  const arms = unionOf(header);
  if (!arms || arms.length < 2 || arms.length > MAX_ARMS) return [];
  const names = arms.map((a) => (splitTop(a, '&').length === 1 ? namedType(a) : undefined));
  return names.every((n): n is string => n !== undefined) ? names : [];
}

/** The right-hand side's top-level union arms, nullish ones left out (undefined when `header` declares no alias). */
function unionOf(header: string): string[] | undefined {
  const m = /\btype\s+[A-Za-z_$][\w$]*\s*(?:<.*?>)?\s*=\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  // An object type's body (`{ … }`, cut off by the header's end) says nothing of bases.
  const rhs = m[1].replace(/(^|[&|]\s*)\{[^]*$/, '$1');
  return splitTop(rhs.replace(/^\s*\|/, ''), '|').filter((t) => !/^(undefined|null|void)$/.test(t));
}

/** The type a part names (`StateMachine<any>` → StateMachine, `Partial<Options>` → Options), not a literal, function or helper. */
function namedType(part: string): string | undefined {
  const t = part.trim().replace(/^\((.*)\)$/s, '$1');
  if (!/^[A-Za-z_$][\w$.]*\s*(?:<[^]*>)?(?:\[\])?$/.test(t) || t.endsWith('[]')) return undefined;
  const outer = /^[A-Za-z_$][\w$.]*/.exec(t)![0].split('.').pop()!;
  if (NOT_MEMBERS.test(outer)) return undefined;
  return plainType(t, 'typescript');
}
