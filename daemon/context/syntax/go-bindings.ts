/**
 * Go's binders beyond declarations and parameters (bindings.ts asks for these node types):
 *
 * - `for k, v := range xs`: v an element of xs, k a key (or a channel's element; go-elements.ts);
 * - `switch v := x.(type) { case *Foo: … }`: in a case naming one type, v is that type (in a
 *   case naming several, v keeps x's type, which the switch does not state);
 * - `opts ...Option`: a slice of Option, whose elements a range or an index hands out;
 * - `m := map[string]*Foo{}`, `m := make(map[string]*Foo)`: the collection type written there
 *   (`goMadeType`), whose elements a range or an index hands out.
 */
import type { Node } from 'web-tree-sitter';

/** What one Go binder binds: the name's node, its type or value, and how the value relates to it. */
export interface GoBinder {
  name: Node;
  type?: Node | null;
  value?: Node | null;
  /** Bound to an element (`key`: the first name of a range) of `value`. */
  element?: boolean;
  key?: boolean;
  /** A variadic parameter: a slice of `type`. */
  variadic?: boolean;
  /** Visible only in this node (a type switch's case). */
  scope?: Node;
}

export const GO_BINDERS = ['range_clause', 'type_case', 'variadic_parameter_declaration'];

export function goBinders(n: Node): GoBinder[] {
  switch (n.type) {
    case 'range_clause': {
      const value = n.childForFieldName('right');
      return (n.childForFieldName('left')?.namedChildren ?? []).flatMap((name, i) =>
        name ? [{ name, value, element: true, ...(i === 0 ? { key: true } : {}) }] : [],
      );
    }
    case 'type_case': {
      const types = n.childrenForFieldName('type');
      const alias = n.parent?.type === 'type_switch_statement' ? n.parent.childForFieldName('alias')?.namedChild(0) : undefined;
      return alias && types.length === 1 && types[0] ? [{ name: alias, type: types[0], scope: n }] : [];
    }
    case 'variadic_parameter_declaration': {
      const name = n.childForFieldName('name');
      return name ? [{ name, type: n.childForFieldName('type'), variadic: true }] : [];
    }
    default:
      return [];
  }
}

/** The type a composite literal (`[]*Foo{…}`) or `make(T, …)` writes, as text. */
export function goMadeType(value: Node): string | undefined {
  if (value.type === 'composite_literal') return value.childForFieldName('type')?.text;
  if (value.type === 'call_expression' && value.childForFieldName('function')?.text === 'make')
    return value.childForFieldName('arguments')?.namedChild(0)?.text;
  return undefined;
}
