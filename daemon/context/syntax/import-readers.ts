/**
 * The import statements of each language, read from tree-sitter nodes: what each one
 * imports (module specifier, the names it binds, their aliases) and the package a file
 * declares, for `extract.ts`. Every reader looks at one node and its few children, never
 * recursively, so it is cheap on any input.
 */
import type { Node } from 'web-tree-sitter';
import type { GrammarId } from './grammars';
import type { ImportFact, ImportedName } from './types';

export const line = (n: Node) => n.startPosition.row + 1;
export const unquote = (s: string) => s.replace(/^[`'"<]|[`'">]$/g, '');
export const named = (n: Node): Node[] => n.namedChildren.filter((c): c is Node => c !== null);

// ---- imports per language ------------------------------------------------------------

export function jsImports(node: Node): ImportFact[] | undefined {
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

export function pyImports(node: Node): ImportFact[] | undefined {
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

/**
 * The name a Go import path's package is assumed to declare: its last element, without a major
 * version suffix (`github.com/cespare/xxhash/v2` → xxhash, as goimports assumes), conventional
 * affixes (`go-yaml` → yaml, `yaml.v3` → yaml; `client_golang` stays).
 */
export function goAssumedName(spec: string): string {
  const parts = spec.split('/');
  const last = (parts.length > 1 && /^v\d+$/.test(parts[parts.length - 1]) ? parts[parts.length - 2] : parts[parts.length - 1]) || spec;
  return last.replace(/^go-|[.-]v\d+$|-go$/g, '').replace(/-/g, '_');
}

export function goImports(node: Node): ImportFact[] | undefined {
  if (node.type !== 'import_spec') return undefined;
  const path = node.childForFieldName('path');
  if (!path) return undefined;
  const spec = unquote(path.text);
  const alias = node.childForFieldName('name')?.text;
  const namespace = alias ?? goAssumedName(spec);
  return [{ specifier: spec, kind: 'package', names: [], namespace, line: line(node) }];
}

/** Path roots `use a::{self}` may end in that name no module of their own (`use super::{self}` is an error). */
const RUST_PATH_ROOTS = new Set(['crate', 'super', 'self']);

export function rustImports(node: Node): ImportFact[] | undefined {
  if (node.type === 'mod_item') {
    if (node.childForFieldName('body')) return undefined;
    const name = node.childForFieldName('name')?.text;
    return name ? [{ specifier: name, kind: 'mod', names: [], line: line(node) }] : undefined;
  }
  if (node.type !== 'use_declaration') return undefined;
  const arg = node.childForFieldName('argument');
  if (!arg) return undefined;
  const out: ImportFact[] = [];
  // `pub use` / `pub(crate) use` re-exports the names: `module::Name` reaches them through the file (rust-namespaces.ts).
  const reexport = named(node).some((c) => c.type === 'visibility_modifier');
  // Flatten `a::{b, c::{d as e}, f::*}` into (path, name, alias | wildcard) leaves.
  const stack: Array<{ prefix: string; n: Node }> = [{ prefix: '', n: arg }];
  const join = (a: string, b: string) => (a ? `${a}::${b}` : b);
  const add = (path: string, names: ImportedName[], wildcard = false) => {
    const existing = out.find((o) => o.specifier === path && !!o.wildcard === wildcard);
    if (existing) existing.names.push(...names);
    else
      out.push({
        specifier: path,
        kind: 'module',
        names,
        ...(wildcard ? { wildcard } : {}),
        ...(reexport ? { reexport } : {}),
        line: line(node),
      });
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
      // `use crate::frame::{self, Frame}`: `frame` names the module (`frame::GoAway`, `frame::MAX_FRAME_SIZE`).
      if (last === 'self') {
        const path = parts.slice(0, -1).join('::');
        add(path, []);
        const module = parts[parts.length - 2];
        const fact = out.find((o) => o.specifier === path && !o.wildcard)!;
        if (module && !RUST_PATH_ROOTS.has(module)) fact.namespace = module;
      } else add(parts.slice(0, -1).join('::'), [{ imported: last, local: last }]);
    }
  }
  return out;
}

export function javaImports(node: Node): ImportFact[] | undefined {
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

export function cImports(node: Node): ImportFact[] | undefined {
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

export function csImports(node: Node): ImportFact[] | undefined {
  if (node.type !== 'using_directive') return undefined;
  const name = named(node).find((c) => c.type === 'qualified_name' || c.type === 'identifier');
  return name ? [{ specifier: name.text, kind: 'module', names: [], wildcard: true, line: line(node) }] : undefined;
}

export function rubyImports(node: Node): ImportFact[] | undefined {
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

export function phpImports(node: Node): ImportFact[] | undefined {
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

/** Node types whose node the import and package readers look at (everything else is skipped cheaply). */
export const IMPORT_TYPES: Record<GrammarId, Set<string>> = {
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
