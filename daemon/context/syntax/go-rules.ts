/**
 * Go's part of the extraction table (rules.ts): an interface type's method elements are
 * definitions (methods whose container is the interface, as a method declaration's container
 * is its receiver's type), and a type declared as an interface has the kind `interface`
 * rather than `type`, so that ranking can tell a receiver typed by an interface (its members
 * come from the types that implement it, go-members.ts) from one typed by a struct.
 */
import type { Node } from 'web-tree-sitter';
import type { DefinitionKind } from './types';

/** `Status() int` in `type ResponseWriter interface { … }` (`method_spec` in older grammars). */
export const GO_INTERFACE_METHODS = {
  method_elem: { kind: 'method', name: 'name' },
  method_spec: { kind: 'method', name: 'name' },
} as const;

/** `type I interface {…}`: an interface; any other type spec keeps its rule's kind. */
export function goKindOf(node: Node, kind: DefinitionKind): DefinitionKind {
  return node.type === 'type_spec' && node.childForFieldName('type')?.type === 'interface_type' ? 'interface' : kind;
}
