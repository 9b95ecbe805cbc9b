/**
 * The syntax of bindings in every grammar: which tree-sitter nodes bind a name, hold members or
 * scope what is bound in them, and how a binder's name and a member access are read.
 * DocumentBindings (bindings.ts) walks a tree with them.
 */
import type { Node } from 'web-tree-sitter';
import type { GrammarId } from './grammars';

export const CONTAINERS =
  /^(class_declaration|abstract_class_declaration|class_definition|class_specifier|struct_specifier|impl_item|trait_item|interface_declaration|struct_item|enum_declaration|record_declaration|struct_declaration|class|module|trait_declaration)$/;

/** Node types that bind a name, in any grammar (field bindings are those of class and struct members). */
const BINDERS = new Set([
  'variable_declarator',
  'required_parameter',
  'optional_parameter',
  'public_field_definition',
  'field_definition',
  'assignment_expression',
  'assignment',
  'typed_parameter',
  'typed_default_parameter',
  'with_item',
  'short_var_declaration',
  'var_spec',
  'parameter_declaration',
  'let_declaration',
  'parameter',
  'let_condition',
  'formal_parameter',
  'enhanced_for_statement',
  'init_declarator',
  'simple_parameter',
  'property_declaration',
  // Rust: `for x in xs`, `xs.iter().map(|x| …)`, `match v { Some(x) => … }`.
  'for_expression',
  'closure_parameters',
  'match_arm',
  // Go: `for _, v := range xs`, `switch v := x.(type) { case T: … }`, `opts ...Option` (go-bindings.ts).
  'range_clause',
  'type_case',
  'variadic_parameter_declaration',
]);
export const BINDER_LIST = [...BINDERS];
const SCOPES =
  /(^|_)(block|body|function|func|method|closure|arrow|lambda|program|module|source_file|translation_unit|compilation_unit|declaration_list|if|with|for|while|catch|constructor)(_|$)/;

/** The object and member name of a member access in any grammar (`a.b`, `a->b`, `a?.b`, `a::b` is not one). */
export function memberParts(n: Node): { object: Node; name: string } | undefined {
  const pairs: Record<string, [string, string]> = {
    member_expression: ['object', 'property'],
    attribute: ['object', 'attribute'],
    selector_expression: ['operand', 'field'],
    field_expression: [n.childForFieldName('value') ? 'value' : 'argument', 'field'],
    field_access: ['object', 'field'],
    member_access_expression: [n.childForFieldName('expression') ? 'expression' : 'object', 'name'],
  };
  const p = pairs[n.type];
  if (!p) return undefined;
  const object = n.childForFieldName(p[0]);
  const name = n.childForFieldName(p[1])?.text;
  return object && name ? { object, name } : undefined;
}

/** The identifier a pattern binds (`x`, `mut x`, `ref mut x`, `&x`, `Some(x)`). */
export function patternName(p: Node): string | undefined {
  for (let n: Node | null = p, guard = 0; n && guard < 6; guard++) {
    if (/^(identifier|variable_name|self|property_identifier|field_identifier|private_property_identifier)$/.test(n.type)) return n.text;
    if (/^(mut_pattern|ref_pattern|reference_pattern)$/.test(n.type)) n = n.lastNamedChild;
    else if (n.type === 'tuple_struct_pattern' && /^(Some|Ok)$/.test(n.childForFieldName('type')?.text ?? '') && n.namedChildCount === 2)
      n = n.namedChild(1);
    else return undefined;
  }
  return undefined;
}

export function declaratorName(d: Node | null | undefined): Node | undefined {
  for (let n = d, guard = 0; n && guard < 6; guard++) {
    if (n.type === 'identifier' || n.type === 'field_identifier') return n;
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c?.type === 'identifier') ?? null;
  }
  return undefined;
}

/** Python and Ruby blocks do not scope names: a binding in an `if`, `for`, `with` or `try` holds for the rest of its function. */
const FUNCTION_SCOPES = /^(function_definition|lambda|class_definition|module|method|singleton_method|do_block|block|program)$/;

/** Whether a binding's scope (its nearest enclosing block, function or clause) holds position `at`. */
export function inScope(binding: Node, at: number, grammar: GrammarId): boolean {
  const scopes = grammar === 'python' || grammar === 'ruby' ? FUNCTION_SCOPES : SCOPES;
  for (let n: Node | null = binding.parent, guard = 0; n && guard < 12; n = n.parent, guard++) {
    if (grammar === 'python' && n.type === 'block') continue;
    if (scopes.test(n.type)) return n.startIndex <= at && at <= n.endIndex;
  }
  return true;
}
