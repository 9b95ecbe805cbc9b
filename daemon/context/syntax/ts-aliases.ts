/**
 * TypeScript: the types a type alias stands for, whose members a value of the alias has:
 * `type AnyMachine = StateMachine<any>` is a StateMachine, `type Ctx = Base & { extra: X }`
 * has Base's members (and its own), `type Maybe = Actor | undefined` is an Actor. A union of
 * several types has none of them for sure (only what they share): it names no base.
 */

/** The type names the alias declared by `header` (generics already removed by the caller or not) stands for. */
export function aliasTargets(header: string): string[] {
  const m = /\btype\s+[A-Za-z_$][\w$]*\s*(?:<.*?>)?\s*=\s*(.*)$/s.exec(header);
  if (!m) return [];
  const rhs = withoutGenerics(m[1]).replace(/\{[^]*$/, '');
  const union = rhs
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t !== '' && !/^(undefined|null|void)$/.test(t));
  if (union.length !== 1) return [];
  const out: string[] = [];
  for (const part of union[0].split('&')) {
    const name = /^\(?\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\)?$/.exec(part.trim())?.[1].split('.').pop();
    if (name && !/^(Partial|Required|Readonly|Record|Pick|Omit|Exclude|Extract|NonNullable|ReturnType|InstanceType|Parameters)$/.test(name))
      out.push(name);
  }
  return out.slice(0, 4);
}

function withoutGenerics(text: string): string {
  let t = text;
  for (let i = 0; i < 8 && /<[^<>]*>/.test(t); i++) t = t.replace(/<[^<>]*>/g, '');
  return t;
}
