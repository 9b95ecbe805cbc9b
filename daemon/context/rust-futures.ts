/**
 * Rust: what `.await` gives. A workspace type that implements `Future` resolves to its `Output`:
 * what its `poll` returns inside `Poll<…>` (`fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>)
 * -> Poll<Result<Connection<T, B>, Error>>`), else its `type Output = …;` (`Result<…>` then gives
 * its `Ok` type, as the other wrappers do). Any other type is what an `async fn` declared (its
 * declared type is already the awaited one) and stays. A declared `impl Future<Output = X>` or
 * `Pin<Box<dyn Future<Output = X> + Send>>` is read as X where it is declared (rustFutureOutput).
 *
 * Work is bounded: two declarations of the type, its members named `poll` or `Output`.
 */
import type { SyntaxFacts } from './syntax/facts';
import { TYPE_KINDS } from './syntax/facts';
import { plainType, splitTop } from './syntax/type-names';

/** The type name `type` (seen from `rel`) resolves to when awaited. */
export function rustAwaited(syntax: SyntaxFacts, rel: string, type: string): string {
  return (
    rustAwaitedRead(syntax, rel, type, (text) => {
      const name = plainType(text, 'rust');
      return name && name !== type ? name : undefined;
    }) ?? type
  );
}

/** `x.await.unwrap_err()`, `.expect_err(…)`: the error type of the `Result` the future resolves to (`Poll<Result<(), crate::Error>>` → Error). */
export function rustAwaitedError(syntax: SyntaxFacts, rel: string, type: string): string | undefined {
  return rustAwaitedRead(syntax, rel, type, (text) => {
    const m = /^(?:(?:std|core)::result::)?Result\s*<(.*)>$/s.exec(text.trim());
    const parts = m ? splitTop(m[1], ',') : [];
    return parts.length === 2 ? plainType(parts[1], 'rust') : undefined;
  });
}

/** What `read` makes of the text a workspace future type resolves to: its `poll`'s `Poll<…>`, else its `type Output`. */
function rustAwaitedRead(syntax: SyntaxFacts, rel: string, type: string, read: (text: string) => string | undefined): string | undefined {
  for (const t of syntax
    .typeDefinitions(rel, type)
    .filter((d) => TYPE_KINDS.has(d.kind) && d.kind !== 'trait')
    .slice(0, 2)) {
    const members = syntax.membersOf(t);
    for (const m of members.filter((m) => m.name === 'poll' && m.kind !== 'type').slice(0, 2)) {
      const polled =
        /\bfn\s+poll\s*\(\s*(?:mut\s+)?self\s*:\s*Pin\s*<\s*&\s*mut\s+Self\s*>[^)]*\)\s*->\s*Poll\s*<([^{\n]+?)>\s*(?:\{|where\b|$)/m.exec(
          syntax.definitionText(m) ?? '',
        )?.[1];
      const got = polled && !/\bOutput\b/.test(polled) ? read(polled) : undefined;
      if (got) return got;
    }
    for (const m of members.filter((m) => m.name === 'Output' && m.kind === 'type').slice(0, 2)) {
      const text = syntax.chunkText(m.chunkId) ?? '';
      // `type Output` of `impl Add`, `impl Index`… is not a future's: only beside a `poll`, or in an `impl Future` chunk.
      if (!/\bFuture\s+for\b/.test(text) && !members.some((p) => p.name === 'poll')) continue;
      const output = /\btype\s+Output\s*=\s*([^;]+);/.exec(text)?.[1];
      const got = output ? read(output) : undefined;
      if (got) return got;
    }
  }
  return undefined;
}

/** A declared `impl Future<Output = X>` (or `dyn Future<Output = X>` in a `Pin<Box<…>>`): X's text; else undefined. */
export function rustFutureOutput(declared: string): string | undefined {
  const m = /^(?:Pin\s*<\s*Box\s*<\s*)?(?:impl|dyn)\s+(?:(?:std|core)::future::)?Future\s*<\s*Output\s*=\s*/.exec(declared.trim());
  if (!m) return undefined;
  // Up to the `>` closing `Future<`.
  const rest = declared.trim().slice(m[0].length);
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '<' || c === '(') depth++;
    else if ((c === ')' || c === '>') && rest[i - 1] !== '-') {
      if (depth === 0) return rest.slice(0, i).trim();
      depth--;
    }
  }
  return undefined;
}
