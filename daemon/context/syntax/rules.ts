/**
 * The table per grammar that drives `extract.ts`: which node types declare what (and how
 * each names it), which wrap a declaration, hold members or make declarations local, the
 * import reader and the package a file declares; and how a declaration node names what
 * it declares.
 */
import type { Node } from 'web-tree-sitter';
import type { GrammarId } from './grammars';
import {
  cImports,
  csImports,
  goImports,
  javaImports,
  jsImports,
  named,
  phpImports,
  pyImports,
  rubyImports,
  rustImports,
} from './import-readers';
import { GO_INTERFACE_METHODS, goKindOf } from './go-rules';
import type { DefinitionKind, ImportFact } from './types';

/** How a declaration node names what it declares. */
export type NameRule =
  /** The `name` field. */
  | 'name'
  /** Each `*declarator` child's name (`const a = 1, b = 2`, Java/C# fields, Go specs). */
  | 'declarators'
  /** C/C++: follow `declarator` fields down to the identifier. */
  | 'c-declarator'
  /** The `left` field when it is a plain identifier or constant (Python, Ruby assignments). */
  | 'left';

export interface DefRule {
  kind: DefinitionKind;
  name: NameRule;
  /** Also a container: its members are declarations too (classes, impls, namespaces). */
  container?: boolean;
}

export interface GrammarRules {
  defs: Record<string, DefRule>;
  /** Nodes that wrap a declaration (export, decorators, templates): their span is the declaration's. */
  wrappers: Set<string>;
  /** Nodes that hold members or statements (where the outline descends). */
  bodies: Set<string>;
  /** Nodes inside which declarations are local. */
  functions: Set<string>;
  /** Comments and attributes that belong to the declaration below them. */
  attached: Set<string>;
  imports: (node: Node) => ImportFact[] | undefined;
  packageOf?: (node: Node) => string | undefined;
  /** Containers without a `name` field: how they are called (Rust `impl X`). */
  containerName?: (node: Node) => string | undefined;
  /** The kind a declaration has when its rule's kind is not the whole story (Go `type I interface {…}`). */
  kindOf?: (node: Node, kind: DefinitionKind) => DefinitionKind;
}

// ---- the tables ----------------------------------------------------------------------

const jsFunctions = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'generator_function',
  'arrow_function',
  'method_definition',
  'class_static_block',
]);

const tsRules: GrammarRules = {
  defs: {
    function_declaration: { kind: 'function', name: 'name' },
    generator_function_declaration: { kind: 'function', name: 'name' },
    function_signature: { kind: 'function', name: 'name' },
    class_declaration: { kind: 'class', name: 'name', container: true },
    abstract_class_declaration: { kind: 'class', name: 'name', container: true },
    interface_declaration: { kind: 'interface', name: 'name', container: true },
    type_alias_declaration: { kind: 'type', name: 'name' },
    enum_declaration: { kind: 'enum', name: 'name' },
    internal_module: { kind: 'module', name: 'name', container: true },
    module: { kind: 'module', name: 'name', container: true },
    lexical_declaration: { kind: 'variable', name: 'declarators' },
    variable_declaration: { kind: 'variable', name: 'declarators' },
    method_definition: { kind: 'method', name: 'name' },
    method_signature: { kind: 'method', name: 'name' },
    property_signature: { kind: 'field', name: 'name' },
    abstract_method_signature: { kind: 'method', name: 'name' },
    public_field_definition: { kind: 'field', name: 'name' },
    field_definition: { kind: 'field', name: 'name' },
  },
  wrappers: new Set(['export_statement', 'ambient_declaration', 'expression_statement']),
  bodies: new Set(['class_body', 'interface_body', 'object_type', 'statement_block', 'enum_body']),
  functions: jsFunctions,
  attached: new Set(['comment', 'decorator']),
  imports: jsImports,
};

export const RULES: Record<GrammarId, GrammarRules> = {
  typescript: tsRules,
  tsx: tsRules,
  javascript: tsRules,
  python: {
    defs: {
      function_definition: { kind: 'function', name: 'name' },
      class_definition: { kind: 'class', name: 'name', container: true },
      assignment: { kind: 'variable', name: 'left' },
    },
    wrappers: new Set(['decorated_definition', 'expression_statement']),
    bodies: new Set(['block']),
    functions: new Set(['function_definition', 'lambda']),
    attached: new Set(['comment']),
    imports: pyImports,
  },
  go: {
    defs: {
      function_declaration: { kind: 'function', name: 'name' },
      method_declaration: { kind: 'method', name: 'name' },
      // A container for the methods an interface type declares (GO_INTERFACE_METHODS).
      type_spec: { kind: 'type', name: 'name', container: true },
      type_alias: { kind: 'type', name: 'name' },
      ...GO_INTERFACE_METHODS,
      const_spec: { kind: 'constant', name: 'name' },
      var_spec: { kind: 'variable', name: 'name' },
    },
    wrappers: new Set(['type_declaration', 'const_declaration', 'var_declaration']),
    bodies: new Set(['block', 'field_declaration_list', 'interface_type']),
    functions: new Set(['function_declaration', 'method_declaration', 'func_literal']),
    attached: new Set(['comment']),
    imports: goImports,
    kindOf: goKindOf,
    packageOf: (n) => (n.type === 'package_clause' ? named(n).find((c) => c.type === 'package_identifier')?.text : undefined),
  },
  rust: {
    defs: {
      function_item: { kind: 'function', name: 'name' },
      function_signature_item: { kind: 'function', name: 'name' },
      struct_item: { kind: 'struct', name: 'name' },
      enum_item: { kind: 'enum', name: 'name' },
      union_item: { kind: 'struct', name: 'name' },
      trait_item: { kind: 'trait', name: 'name', container: true },
      type_item: { kind: 'type', name: 'name' },
      const_item: { kind: 'constant', name: 'name' },
      static_item: { kind: 'variable', name: 'name' },
      macro_definition: { kind: 'macro', name: 'name' },
      mod_item: { kind: 'module', name: 'name', container: true },
    },
    wrappers: new Set([]),
    bodies: new Set(['declaration_list', 'block', 'field_declaration_list', 'enum_variant_list']),
    functions: new Set(['function_item', 'closure_expression']),
    attached: new Set(['line_comment', 'block_comment', 'attribute_item', 'inner_attribute_item']),
    imports: rustImports,
    containerName: (n) => (n.type === 'impl_item' ? baseTypeName(n.childForFieldName('type')) : undefined),
  },
  java: {
    defs: {
      class_declaration: { kind: 'class', name: 'name', container: true },
      interface_declaration: { kind: 'interface', name: 'name', container: true },
      enum_declaration: { kind: 'enum', name: 'name', container: true },
      record_declaration: { kind: 'class', name: 'name', container: true },
      annotation_type_declaration: { kind: 'interface', name: 'name', container: true },
      method_declaration: { kind: 'method', name: 'name' },
      field_declaration: { kind: 'field', name: 'declarators' },
      constant_declaration: { kind: 'constant', name: 'declarators' },
    },
    wrappers: new Set([]),
    bodies: new Set([
      'class_body',
      'interface_body',
      'enum_body',
      'enum_body_declarations',
      'annotation_type_body',
      'block',
      'constructor_body',
    ]),
    functions: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression', 'static_initializer']),
    attached: new Set(['line_comment', 'block_comment']),
    imports: javaImports,
    packageOf: (n) => (n.type === 'package_declaration' ? named(n)[0]?.text : undefined),
  },
  cpp: {
    defs: {
      function_definition: { kind: 'function', name: 'c-declarator' },
      class_specifier: { kind: 'class', name: 'name', container: true },
      struct_specifier: { kind: 'struct', name: 'name', container: true },
      union_specifier: { kind: 'struct', name: 'name', container: true },
      enum_specifier: { kind: 'enum', name: 'name' },
      type_definition: { kind: 'type', name: 'c-declarator' },
      alias_declaration: { kind: 'type', name: 'name' },
      namespace_definition: { kind: 'module', name: 'name', container: true },
      preproc_def: { kind: 'macro', name: 'name' },
      preproc_function_def: { kind: 'macro', name: 'name' },
    },
    wrappers: new Set(['template_declaration', 'linkage_specification']),
    bodies: new Set(['field_declaration_list', 'declaration_list', 'compound_statement']),
    functions: new Set(['function_definition', 'lambda_expression']),
    attached: new Set(['comment']),
    imports: cImports,
  },
  c_sharp: {
    defs: {
      class_declaration: { kind: 'class', name: 'name', container: true },
      interface_declaration: { kind: 'interface', name: 'name', container: true },
      struct_declaration: { kind: 'struct', name: 'name', container: true },
      record_declaration: { kind: 'class', name: 'name', container: true },
      enum_declaration: { kind: 'enum', name: 'name' },
      delegate_declaration: { kind: 'type', name: 'name' },
      method_declaration: { kind: 'method', name: 'name' },
      property_declaration: { kind: 'field', name: 'name' },
      field_declaration: { kind: 'field', name: 'declarators' },
      namespace_declaration: { kind: 'module', name: 'name', container: true },
    },
    wrappers: new Set(['file_scoped_namespace_declaration']),
    bodies: new Set(['declaration_list', 'block']),
    functions: new Set([
      'method_declaration',
      'constructor_declaration',
      'local_function_statement',
      'lambda_expression',
      'accessor_declaration',
    ]),
    attached: new Set(['comment', 'attribute_list']),
    imports: csImports,
    packageOf: (n) => (/namespace_declaration$/.test(n.type) ? n.childForFieldName('name')?.text : undefined),
  },
  ruby: {
    defs: {
      method: { kind: 'method', name: 'name' },
      singleton_method: { kind: 'method', name: 'name' },
      class: { kind: 'class', name: 'name', container: true },
      module: { kind: 'module', name: 'name', container: true },
      assignment: { kind: 'constant', name: 'left' },
    },
    wrappers: new Set([]),
    bodies: new Set(['body_statement']),
    functions: new Set(['method', 'singleton_method', 'block', 'do_block', 'lambda']),
    attached: new Set(['comment']),
    imports: rubyImports,
  },
  php: {
    defs: {
      function_definition: { kind: 'function', name: 'name' },
      class_declaration: { kind: 'class', name: 'name', container: true },
      interface_declaration: { kind: 'interface', name: 'name', container: true },
      trait_declaration: { kind: 'trait', name: 'name', container: true },
      enum_declaration: { kind: 'enum', name: 'name', container: true },
      method_declaration: { kind: 'method', name: 'name' },
      const_declaration: { kind: 'constant', name: 'declarators' },
    },
    wrappers: new Set(['expression_statement']),
    bodies: new Set(['declaration_list', 'compound_statement', 'enum_declaration_list']),
    functions: new Set(['function_definition', 'method_declaration', 'anonymous_function', 'arrow_function']),
    attached: new Set(['comment', 'attribute_list']),
    imports: phpImports,
    packageOf: (n) => (n.type === 'namespace_definition' ? n.childForFieldName('name')?.text : undefined),
  },
};

/** The plain type name of a type node (`Foo` of `&mut Foo<T>`, `a::Foo`, `*Foo`). */
export function baseTypeName(n: Node | null): string | undefined {
  let cur: Node | null = n;
  for (let guard = 0; cur && guard < 20; guard++) {
    if (cur.type === 'type_identifier' || cur.type === 'identifier') return cur.text;
    cur = cur.childForFieldName('name') ?? cur.childForFieldName('type') ?? named(cur).find((c) => /type|identifier/.test(c.type)) ?? null;
  }
  return undefined;
}

/** Names a declaration node declares. */
export function declaredNames(node: Node, rule: NameRule): Node[] {
  switch (rule) {
    case 'name': {
      const n = node.childForFieldName('name');
      if (!n) return [];
      // Go `var a, b = …`: several names.
      const all = node.childrenForFieldName('name').filter((c): c is Node => c !== null);
      return all.length > 1 ? all : [n];
    }
    case 'left': {
      const left = node.childForFieldName('left');
      return left && (left.type === 'identifier' || left.type === 'constant') ? [left] : [];
    }
    case 'declarators': {
      const out: Node[] = [];
      const stack = named(node);
      while (stack.length > 0) {
        const d = stack.shift()!;
        if (d.type === 'variable_declaration') stack.push(...named(d));
        else if (/declarator$|^const_element$|^property_element$/.test(d.type)) {
          const n = d.childForFieldName('name') ?? named(d).find((c) => c.type === 'identifier' || c.type === 'name');
          if (n && /identifier$|^name$|^variable_name$/.test(n.type)) out.push(n);
        }
      }
      return out;
    }
    case 'c-declarator': {
      let d: Node | null = node.childForFieldName('declarator');
      for (let guard = 0; d && guard < 20; guard++) {
        if (/^(identifier|field_identifier|type_identifier|destructor_name|operator_name)$/.test(d.type)) return [d];
        if (d.type === 'qualified_identifier') d = d.childForFieldName('name');
        else d = d.childForFieldName('declarator') ?? named(d).find((c) => /identifier|declarator/.test(c.type)) ?? null;
      }
      return [];
    }
  }
}
