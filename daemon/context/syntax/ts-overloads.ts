/**
 * TypeScript overloads: `f(a: string): X; f(a: number): Y; f(a) { … }` is one declaration
 * with several signatures (the type checker resolves a call against the signatures and
 * runs the implementation). The chunker keeps them in one piece (extract.ts's outline), so
 * retrieval finds the implementation with the signatures that document it instead of a
 * chunk per signature (the second of which used to rank after every other member).
 *
 * Signatures and the implementation follow each other among their siblings (a class or
 * interface body, the top level, `export` around each), with only comments or decorators
 * between them.
 */
import type { Node } from 'web-tree-sitter';

const SIGNATURES = new Set(['method_signature', 'function_signature']);
const IMPLEMENTATIONS = new Set(['method_definition', 'function_declaration']);

/** The overload declaration a node is (through `export`): its kind and name, or undefined. */
function overloadPart(n: Node): { signature: boolean; name: string } | undefined {
  const decl = n.type === 'export_statement' ? n.childForFieldName('declaration') : n;
  if (!decl) return undefined;
  const signature = SIGNATURES.has(decl.type);
  if (!signature && !IMPLEMENTATIONS.has(decl.type)) return undefined;
  const name = decl.childForFieldName('name')?.text;
  return name ? { signature, name } : undefined;
}

/**
 * For each sibling starting a run of overloads of one name (a signature followed by more
 * signatures or the implementation, `attached` nodes such as comments allowed between),
 * the index of the run's last declaration. A run ends at its implementation.
 */
export function overloadRuns(nodes: Node[], attached: Set<string>): Map<number, number> {
  const runs = new Map<number, number>();
  for (let i = 0; i < nodes.length; i++) {
    const first = overloadPart(nodes[i]);
    if (!first?.signature) continue;
    let last = i;
    for (let j = i + 1; j < nodes.length; j++) {
      if (attached.has(nodes[j].type)) continue;
      const next = overloadPart(nodes[j]);
      if (!next || next.name !== first.name) break;
      last = j;
      if (!next.signature) break;
    }
    if (last > i) runs.set(i, last);
    i = last;
  }
  return runs;
}
