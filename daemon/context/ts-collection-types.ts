/**
 * TypeScript chains through a member the index declares a library collection: `actor.children.get(id).`
 * with `children: Map<string, ActorRef>` in the class (or a type it extends) is an ActorRef, as
 * the compiler reads `Map<K, V>.get()` (syntax/ts-elements.ts `collectionElement`). Bounded: the
 * first 3 declarations of the type, 8 types with their bases, the member's own chunks and the type's.
 */
import type { DefinitionSite, SyntaxFacts } from './syntax/facts';
import { TYPE_KINDS } from './syntax/facts';
import type { Step } from './syntax/cursor';
import { collectionElement, type CollectionAccess } from './syntax/ts-elements';
import { plainType, splitTop } from './syntax/type-names';

const MAX_TYPES = 8;

/** The access a TypeScript step makes to the collection before it (`get(…)` on a Map), if it is one. */
export function collectionAccess(step: Step | undefined): CollectionAccess | undefined {
  return step?.call && step.name === 'get' ? 'get' : undefined;
}

/** The type `access` to member `field` of `type` hands out, when the index declares that member a library collection of a workspace type. */
export function collectionMemberType(
  syntax: SyntaxFacts,
  rel: string,
  grammar: string,
  type: string,
  field: string,
  access: CollectionAccess,
  isType: (name: string) => boolean,
): string | undefined {
  const queue: DefinitionSite[] = syntax
    .typeDefinitions(rel, type)
    .filter((d) => TYPE_KINDS.has(d.kind))
    .slice(0, 3);
  const seen = new Set<string>();
  for (let i = 0; i < queue.length && i < MAX_TYPES; i++) {
    const t = queue[i];
    const key = `${t.path}:${t.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const own = syntax
      .membersOf(t)
      .filter((m) => m.name === field)
      .slice(0, 3);
    for (const text of [...own.map((m) => syntax.chunkText(m.chunkId)), syntax.chunkText(t.chunkId)]) {
      const declared = text ? declaredTypeText(text, field) : undefined;
      const element = declared ? collectionElement(declared, access) : undefined;
      const named = element ? plainType(element, grammar) : undefined;
      if (named && isType(named)) return named;
    }
    queue.push(...syntax.baseTypesOf(t).slice(0, 3));
  }
  return undefined;
}

/** The type written after `field:` in a declaration (`readonly children: Map<string, Actor>;`), brackets kept whole. */
export function declaredTypeText(text: string, field: string): string | undefined {
  const re = new RegExp(
    `(?:^|[\\s;{(,])(?:(?:public|private|protected|readonly|static|declare|override)\\s+)*#?${escape(field)}[?!]?\\s*:\\s*`,
    'm',
  );
  const m = re.exec(text);
  // `children = new Map<string, Actor>()`: what the initialiser constructs.
  if (!m)
    return new RegExp(`(?:^|[\\s;{(,.])#?${escape(field)}\\s*=\\s*new\\s+([A-Za-z_$][\\w$]*\\s*<[^()]*>)\\s*\\(`, 'm').exec(text)?.[1];
  const rest = text.slice(m.index + m[0].length, m.index + m[0].length + 400);
  // Up to the first `;`, `=`, newline or closing `,`/`)`/`}` outside brackets.
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '<' || c === '[' || c === '(' || c === '{') depth++;
    else if (c === '>' && rest[i - 1] !== '=') depth--;
    else if (c === ']' || c === ')' || c === '}') {
      if (depth === 0) return splitTop(rest.slice(0, i), ';')[0];
      depth--;
    } else if (depth === 0 && (c === ';' || c === '=' || c === '\n' || c === ',')) return rest.slice(0, i).trim() || undefined;
  }
  return undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
