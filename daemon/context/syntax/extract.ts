/**
 * Facts from a tree-sitter syntax tree, driven by one table per grammar: the
 * declarations (module, namespace and class level; what is declared inside a function
 * body is local and left out), the import statements, the identifiers used, the package
 * a file declares, and the declaration outline the chunker cuts along.
 *
 * Every walk is iterative (a tree cursor or an explicit stack), so deeply nested input
 * cannot overflow the JavaScript stack.
 */
import type { Node } from 'web-tree-sitter';
import type { GrammarId } from './grammars';
import type { Definition, DefinitionKind, FileSyntax, ImportFact, ImportedName, SyntaxOutline } from './types';

/** How a declaration node names what it declares. */
type NameRule =
  /** The `name` field. */
  | 'name'
  /** Each `*declarator` child's name (`const a = 1, b = 2`, Java/C# fields, Go specs). */
  | 'declarators'
  /** C/C++: follow `declarator` fields down to the identifier. */
  | 'c-declarator'
  /** The `left` field when it is a plain identifier or constant (Python, Ruby assignments). */
  | 'left';

interface DefRule {
  kind: DefinitionKind;
  name: NameRule;
  /** Also a container: its members are declarations too (classes, impls, namespaces). */
  container?: boolean;
}

interface GrammarRules {
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
}

const IDENTIFIERS = new Set([
  'identifier',
  'type_identifier',
  'property_identifier',
  'field_identifier',
  'shorthand_property_identifier',
  'package_identifier',
  'namespace_identifier',
  'constant',
  'name',
]);

const line = (n: Node) => n.startPosition.row + 1;
const unquote = (s: string) => s.replace(/^[`'"<]|[`'">]$/g, '');
const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => c !== null);

// ---- imports per language ------------------------------------------------------------

function jsImports(node: Node): ImportFact[] | undefined {
  if (node.type === 'import_statement') {
    const source = node.childForFieldName('source');
    if (!source) return undefined;
    const names: ImportedName[] = [];
    let namespace: string | undefined;
    const clause = named(node).find((c) => c.type === 'import_clause');
    for (const part of clause ? named(clause) : []) {
      if (part.type === 'identifier') names.push({ imported: 'default', local: part.text });
      else if (part.type === 'namespace_import') namespace = named(part)[0]?.text;
      else if (part.type === 'named_imports')
        for (const spec of named(part)) {
          if (spec.type !== 'import_specifier') continue;
          const name = spec.childForFieldName('name')?.text;
          if (name) names.push({ imported: name, local: spec.childForFieldName('alias')?.text ?? name });
        }
    }
    return [{ specifier: unquote(source.text), kind: 'module', names, ...(namespace ? { namespace } : {}), line: line(node) }];
  }
  if (node.type === 'export_statement') {
    const source = node.childForFieldName('source');
    if (!source) return undefined;
    const clause = named(node).find((c) => c.type === 'export_clause');
    const names: ImportedName[] = [];
    for (const spec of clause ? named(clause) : []) {
      const name = spec.childForFieldName('name')?.text;
      if (name) names.push({ imported: name, local: spec.childForFieldName('alias')?.text ?? name });
    }
    return [
      { specifier: unquote(source.text), kind: 'module', names, reexport: true, ...(clause ? {} : { wildcard: true }), line: line(node) },
    ];
  }
  // const x = require('y') / const { a, b: c } = require('y')
  if (node.type === 'variable_declarator') {
    const value = node.childForFieldName('value');
    if (value?.type !== 'call_expression' || value.childForFieldName('function')?.text !== 'require') return undefined;
    const arg = named(value.childForFieldName('arguments') ?? value)[0];
    if (!arg || arg.type !== 'string') return undefined;
    const target = node.childForFieldName('name');
    const names: ImportedName[] = [];
    let namespace: string | undefined;
    if (target?.type === 'identifier') namespace = target.text;
    else if (target?.type === 'object_pattern')
      for (const p of named(target)) {
        if (p.type === 'shorthand_property_identifier_pattern') names.push({ imported: p.text, local: p.text });
        else if (p.type === 'pair_pattern') {
          const key = p.childForFieldName('key')?.text;
          const value = p.childForFieldName('value')?.text;
          if (key && value) names.push({ imported: key, local: value });
        }
      }
    return [{ specifier: unquote(arg.text), kind: 'module', names, ...(namespace ? { namespace } : {}), line: line(node) }];
  }
  return undefined;
}

function pyImports(node: Node): ImportFact[] | undefined {
  const aliased = (n: Node): ImportedName | undefined => {
    if (n.type === 'aliased_import') {
      const name = n.childForFieldName('name')?.text;
      return name ? { imported: name, local: n.childForFieldName('alias')?.text ?? name } : undefined;
    }
    return n.type === 'dotted_name' ? { imported: n.text, local: n.text } : undefined;
  };
  if (node.type === 'import_statement') {
    const out: ImportFact[] = [];
    for (const n of node.childrenForFieldName('name')) {
      const a = n && aliased(n);
      if (!a) continue;
      // `import a.b` binds `a`; `import a.b as c` binds `c` to a.b.
      const local = a.local === a.imported ? a.imported.split('.')[0] : a.local;
      out.push({ specifier: a.imported, kind: 'module', names: [], namespace: local, line: line(node) });
    }
    return out;
  }
  if (node.type === 'import_from_statement') {
    const mod = node.childForFieldName('module_name');
    if (!mod) return undefined;
    const names: ImportedName[] = [];
    for (const n of node.childrenForFieldName('name')) {
      const a = n && aliased(n);
      if (a) names.push(a);
    }
    const wildcard = named(node).some((c) => c.type === 'wildcard_import');
    return [{ specifier: mod.text.replace(/\s+/g, ''), kind: 'module', names, ...(wildcard ? { wildcard } : {}), line: line(node) }];
  }
  return undefined;
}

function goImports(node: Node): ImportFact[] | undefined {
  if (node.type !== 'import_spec') return undefined;
  const path = node.childForFieldName('path');
  if (!path) return undefined;
  const spec = unquote(path.text);
  const alias = node.childForFieldName('name')?.text;
  const last = spec.split('/').pop() ?? spec;
  // Conventional package names: `go-yaml` → yaml, `yaml.v3` → yaml, `client_golang` stays.
  const namespace = alias ?? last.replace(/^go-|[.-]v\d+$|-go$/g, '').replace(/-/g, '_');
  return [{ specifier: spec, kind: 'package', names: [], namespace, line: line(node) }];
}

function rustImports(node: Node): ImportFact[] | undefined {
  if (node.type === 'mod_item') {
    if (node.childForFieldName('body')) return undefined;
    const name = node.childForFieldName('name')?.text;
    return name ? [{ specifier: name, kind: 'mod', names: [], line: line(node) }] : undefined;
  }
  if (node.type !== 'use_declaration') return undefined;
  const arg = node.childForFieldName('argument');
  if (!arg) return undefined;
  const out: ImportFact[] = [];
  // Flatten `a::{b, c::{d as e}, f::*}` into (path, name, alias | wildcard) leaves.
  const stack: Array<{ prefix: string; n: Node }> = [{ prefix: '', n: arg }];
  const join = (a: string, b: string) => (a ? `${a}::${b}` : b);
  const add = (path: string, names: ImportedName[], wildcard = false) => {
    const existing = out.find((o) => o.specifier === path && !!o.wildcard === wildcard);
    if (existing) existing.names.push(...names);
    else out.push({ specifier: path, kind: 'module', names, ...(wildcard ? { wildcard } : {}), line: line(node) });
  };
  while (stack.length > 0) {
    const { prefix, n } = stack.pop()!;
    if (n.type === 'scoped_use_list') {
      const path = n.childForFieldName('path')?.text ?? '';
      const list = n.childForFieldName('list');
      for (const c of list ? named(list) : []) stack.push({ prefix: join(prefix, path), n: c });
    } else if (n.type === 'use_list') for (const c of named(n)) stack.push({ prefix, n: c });
    else if (n.type === 'use_wildcard') add(join(prefix, named(n)[0]?.text ?? ''), [], true);
    else if (n.type === 'use_as_clause') {
      const path = n.childForFieldName('path')?.text ?? '';
      const alias = n.childForFieldName('alias')?.text ?? '';
      const parts = join(prefix, path).split('::');
      add(parts.slice(0, -1).join('::'), [{ imported: parts[parts.length - 1], local: alias }]);
    } else if (n.type === 'scoped_identifier' || n.type === 'identifier' || n.type === 'self' || n.type === 'crate' || n.type === 'super') {
      const parts = join(prefix, n.text).split('::');
      const last = parts[parts.length - 1];
      if (last === 'self') add(parts.slice(0, -1).join('::'), []);
      else add(parts.slice(0, -1).join('::'), [{ imported: last, local: last }]);
    }
  }
  return out;
}

function javaImports(node: Node): ImportFact[] | undefined {
  if (node.type !== 'import_declaration') return undefined;
  const path = named(node).find((c) => c.type === 'scoped_identifier' || c.type === 'identifier')?.text;
  if (!path) return undefined;
  const wildcard = named(node).some((c) => c.type === 'asterisk');
  const isStatic = node.children.some((c) => c?.type === 'static');
  if (wildcard) return [{ specifier: path, kind: 'module', names: [], wildcard, line: line(node) }];
  const parts = path.split('.');
  const last = parts[parts.length - 1];
  // `import a.b.C` names class C of package a.b; `import static a.b.C.m` names member m of class a.b.C.
  return [
    {
      specifier: isStatic ? parts.slice(0, -1).join('.') : path,
      kind: 'module',
      names: [{ imported: last, local: last }],
      line: line(node),
    },
  ];
}

function cImports(node: Node): ImportFact[] | undefined {
  if (node.type !== 'preproc_include') return undefined;
  const path = node.childForFieldName('path');
  if (!path) return undefined;
  return [
    {
      specifier: unquote(path.text),
      kind: 'include',
      names: [],
      ...(path.type === 'system_lib_string' ? { wildcard: true } : {}),
      line: line(node),
    },
  ];
}

function csImports(node: Node): ImportFact[] | undefined {
  if (node.type !== 'using_directive') return undefined;
  const name = named(node).find((c) => c.type === 'qualified_name' || c.type === 'identifier');
  return name ? [{ specifier: name.text, kind: 'module', names: [], wildcard: true, line: line(node) }] : undefined;
}

function rubyImports(node: Node): ImportFact[] | undefined {
  if (node.type !== 'call') return undefined;
  const method = node.childForFieldName('method')?.text;
  if (method !== 'require' && method !== 'require_relative' && method !== 'load') return undefined;
  const arg = named(node.childForFieldName('arguments') ?? node).find((c) => c.type === 'string');
  if (!arg) return undefined;
  const spec = unquote(arg.text);
  return [
    {
      specifier: method === 'require_relative' && !spec.startsWith('.') ? `./${spec}` : spec,
      kind: 'include',
      names: [],
      line: line(node),
    },
  ];
}

function phpImports(node: Node): ImportFact[] | undefined {
  if (node.type === 'namespace_use_declaration') {
    const out: ImportFact[] = [];
    for (const clause of named(node)) {
      if (clause.type !== 'namespace_use_clause') continue;
      const q = named(clause).find((c) => c.type === 'qualified_name' || c.type === 'name');
      if (!q) continue;
      const parts = q.text.replace(/^\\/, '').split('\\');
      const last = parts[parts.length - 1];
      const alias = named(clause).find((c) => c !== q && c.type === 'name')?.text;
      out.push({ specifier: parts.join('\\'), kind: 'module', names: [{ imported: last, local: alias ?? last }], line: line(node) });
    }
    return out;
  }
  if (/^(require|require_once|include|include_once)_expression$/.test(node.type)) {
    const s = named(node).find((c) => c.type === 'string' || c.type === 'encapsed_string');
    return s ? [{ specifier: unquote(s.text), kind: 'include', names: [], line: line(node) }] : undefined;
  }
  return undefined;
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

const RULES: Record<GrammarId, GrammarRules> = {
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
      type_spec: { kind: 'type', name: 'name' },
      type_alias: { kind: 'type', name: 'name' },
      const_spec: { kind: 'constant', name: 'name' },
      var_spec: { kind: 'variable', name: 'name' },
    },
    wrappers: new Set(['type_declaration', 'const_declaration', 'var_declaration']),
    bodies: new Set(['block', 'field_declaration_list', 'interface_type']),
    functions: new Set(['function_declaration', 'method_declaration', 'func_literal']),
    attached: new Set(['comment']),
    imports: goImports,
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
function baseTypeName(n: Node | null): string | undefined {
  let cur: Node | null = n;
  for (let guard = 0; cur && guard < 20; guard++) {
    if (cur.type === 'type_identifier' || cur.type === 'identifier') return cur.text;
    cur = cur.childForFieldName('name') ?? cur.childForFieldName('type') ?? named(cur).find((c) => /type|identifier/.test(c.type)) ?? null;
  }
  return undefined;
}

/** Names a declaration node declares. */
function declaredNames(node: Node, rule: NameRule): Node[] {
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

/** Limits that keep one file's facts small. */
const MAX_REFERENCES = 2000;
const MAX_DEFINITIONS = 5000;

/** Node types whose node the import and package readers look at (everything else is skipped cheaply). */
const IMPORT_TYPES: Record<GrammarId, Set<string>> = {
  typescript: new Set(['import_statement', 'export_statement', 'variable_declarator']),
  tsx: new Set(['import_statement', 'export_statement', 'variable_declarator']),
  javascript: new Set(['import_statement', 'export_statement', 'variable_declarator']),
  python: new Set(['import_statement', 'import_from_statement']),
  go: new Set(['import_spec', 'package_clause']),
  rust: new Set(['use_declaration', 'mod_item']),
  java: new Set(['import_declaration', 'package_declaration']),
  cpp: new Set(['preproc_include']),
  c_sharp: new Set(['using_directive', 'namespace_declaration', 'file_scoped_namespace_declaration']),
  ruby: new Set(['call']),
  php: new Set([
    'namespace_use_declaration',
    'namespace_definition',
    'require_expression',
    'require_once_expression',
    'include_expression',
    'include_once_expression',
  ]),
};

interface Frame {
  /** Inside a function body: declarations are local. */
  local: boolean;
  container?: string;
  /** The container is a namespace or module (its functions stay functions). */
  moduleContainer?: boolean;
  inImport: boolean;
  /** Type of the node whose children this frame is for. */
  parentType: string;
}

/**
 * Facts of a parsed file. One pass with a tree cursor (no node objects except for the
 * declarations and imports themselves, which keeps large files cheap). The outline only
 * descends into nodes spanning more than `descendRows` rows: smaller ones are never cut.
 */
export function extractSyntax(root: Node, grammar: GrammarId, text: string, descendRows = 0): Omit<FileSyntax, 'parser'> {
  const rules = RULES[grammar];
  const importTypes = IMPORT_TYPES[grammar];
  const definitions: Definition[] = [];
  const imports: ImportFact[] = [];
  const refs = new Set<string>();
  const defined = new Set<string>();
  let packageName: string | undefined;
  const isJs = grammar === 'typescript' || grammar === 'tsx' || grammar === 'javascript';
  const cursor = root.walk();
  const frames: Frame[] = [{ local: false, inImport: false, parentType: '' }];
  try {
    for (;;) {
      const type = cursor.nodeType;
      const up = frames[frames.length - 1];
      let { local, container, moduleContainer, inImport } = up;
      // Anonymous tokens are not looked up as named (one wasm call less per node): a keyword
      // token that shares a rule's type (`module`, `class`, `function`) has no children, so its
      // rule finds no name and its frame is never used.
      {
        if (importTypes.has(type)) {
          const node = cursor.currentNode;
          if (!inImport) {
            const facts = rules.imports(node);
            if (facts) {
              imports.push(...facts);
              inImport = true;
            }
          }
          if (packageName === undefined && rules.packageOf) packageName = rules.packageOf(node);
        }
        const rule = rules.defs[type];
        if (rule && !up.local && !up.inImport && definitions.length < MAX_DEFINITIONS) {
          const node = cursor.currentNode;
          let kind = rule.kind;
          let names = declaredNames(node, rule.name);
          if (isJs && kind === 'variable' && /^\s*const\b/.test(text.slice(cursor.startIndex, cursor.startIndex + 10))) kind = 'constant';
          if (grammar === 'python' && type === 'assignment' && up.parentType !== 'expression_statement') names = [];
          if (grammar === 'ruby' && type === 'assignment' && names[0]?.type !== 'constant') names = [];
          if (container && !moduleContainer && (kind === 'function' || kind === 'variable'))
            kind = kind === 'function' ? 'method' : 'field';
          const span = names.length > 0 ? spanOf(node, rules) : [0, 0];
          // Go methods belong to their receiver's type.
          const owner =
            grammar === 'go' && type === 'method_declaration'
              ? baseTypeName(node.childForFieldName('receiver')?.namedChild(0)?.childForFieldName('type') ?? null)
              : container;
          for (const n of names) {
            let k = kind;
            // `const f = () => …` declares a function.
            if ((k === 'constant' || k === 'variable') && isJs) {
              const value = n.parent?.childForFieldName('value');
              if (value && /^(arrow_function|function_expression|function|generator_function|class)$/.test(value.type))
                k = value.type === 'class' ? 'class' : 'function';
            }
            definitions.push({
              name: n.text,
              kind: k,
              line: line(n),
              startLine: span[0] + 1,
              endLine: span[1] + 1,
              ...(owner ? { container: owner } : {}),
            });
            defined.add(n.text);
          }
          if (rule.container) {
            container = names[0]?.text ?? container;
            moduleContainer = rule.kind === 'module';
          }
        }
        if (rules.containerName && type === 'impl_item') {
          const c = rules.containerName(cursor.currentNode);
          if (c) {
            container = c;
            moduleContainer = false;
          }
        }
        if (rules.functions.has(type)) local = true;
      }
      if (cursor.gotoFirstChild()) {
        frames.push({ local, container, moduleContainer, inImport, parentType: type });
        continue;
      }
      if (IDENTIFIERS.has(type) && !inImport && refs.size < MAX_REFERENCES) refs.add(text.slice(cursor.startIndex, cursor.endIndex));
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          const references = [...refs].filter((r) => !defined.has(r) && r.length > 1);
          return {
            definitions,
            imports,
            references,
            ...(packageName ? { packageName } : {}),
            outline: outlineOf(root, rules, text, descendRows),
          };
        }
        frames.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

/** A declaration's rows, from the wrapper (export, decorators) that holds it. */
function spanOf(node: Node, rules: GrammarRules): [number, number] {
  let top = node;
  while (top.parent && (rules.wrappers.has(top.parent.type) || top.parent.type === 'decorated_definition') && top.parent.parent) {
    top = top.parent;
  }
  return [top.startPosition.row, top.endPosition.row];
}

/** The node holding a declaration's members or statements, if any. */
function bodyOf(node: Node, rules: GrammarRules): Node | undefined {
  // Through wrappers (export_statement → class_declaration → class_body).
  let cur: Node | null = node;
  for (let guard = 0; cur && guard < 6; guard++) {
    const body = cur.childForFieldName('body');
    if (body && rules.bodies.has(body.type)) return body;
    if (body) {
      // Go `type T struct {…}` / Rust struct bodies sit one level down.
      const inner = named(body).find((c) => rules.bodies.has(c.type));
      if (inner) return inner;
    }
    const direct = named(cur).find((c) => rules.bodies.has(c.type));
    if (direct) return direct;
    const next: Node | undefined =
      cur.childForFieldName('declaration') ??
      cur.childForFieldName('definition') ??
      cur.childForFieldName('type') ??
      named(cur).find(
        (c) =>
          rules.defs[c.type] !== undefined ||
          rules.wrappers.has(c.type) ||
          /^(type_spec|struct_type|interface_type|internal_module|impl_item)$/.test(c.type),
      ) ??
      undefined;
    cur = next ?? null;
  }
  return undefined;
}

/**
 * The outline the chunker cuts along: the root's statements, and for each one with a
 * body its members (classes) or statements (functions), comments and attributes attached
 * to the node below them when nothing but a line break separates them.
 */
function outlineOf(root: Node, rules: GrammarRules, text: string, descendRows: number): SyntaxOutline {
  const rows = text.split('\n').length;
  const top: SyntaxOutline = { start: 0, end: Math.max(0, rows - 1), children: [] };
  const work: Array<{ parent: SyntaxOutline; nodes: Node[]; depth: number }> = [{ parent: top, nodes: named(root), depth: 0 }];
  while (work.length > 0) {
    const { parent, nodes, depth } = work.pop()!;
    let pending: number | undefined;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      const start = n.startPosition.row;
      const end = n.endPosition.row - (n.endPosition.column === 0 && n.endPosition.row > start ? 1 : 0);
      const next = nodes[i + 1];
      // A comment/attribute run directly above the next node (no blank line) belongs to it.
      const prevEnd = i > 0 ? nodes[i - 1].endPosition.row : -1;
      if (rules.attached.has(n.type) && next && next.startPosition.row <= end + 1 && start > prevEnd) {
        pending ??= start;
        continue;
      }
      const item: SyntaxOutline = { start: pending ?? start, end, children: [] };
      pending = undefined;
      parent.children.push(item);
      if (depth >= 12 || end - start < Math.max(2, descendRows)) continue;
      const body = bodyOf(n, rules);
      if (!body) continue;
      const members = named(body);
      if (members.length === 0) continue;
      const firstRow = members[0].startPosition.row;
      if (firstRow > start) item.header = [start, Math.min(firstRow - 1, start + 3)];
      work.push({ parent: item, nodes: members, depth: depth + 1 });
    }
  }
  return top;
}
