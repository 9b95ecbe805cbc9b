/**
 * Facts from a tree-sitter syntax tree, driven by one table per grammar: the
 * declarations (module, namespace and class level; what is declared inside a function
 * body is local and left out), the import statements, the package
 * a file declares, and the declaration outline the chunker cuts along.
 *
 * Every walk is iterative (a tree cursor or an explicit stack), so deeply nested input
 * cannot overflow the JavaScript stack.
 */
import type { Node } from 'web-tree-sitter';
import type { GrammarId } from './grammars';
import { IMPORT_TYPES, line, named } from './import-readers';
import { baseTypeName, declaredNames, RULES, type GrammarRules } from './rules';
import { overloadRuns } from './ts-overloads';
import type { Definition, FileSyntax, ImportFact, SyntaxOutline } from './types';

/**
 * Words without which a function body holds no import statement of its grammar. Nothing
 * declared in a body is a definition (it is local), so a body whose text lacks them is
 * skipped whole: no wasm call per node of it, most of a file's tree.
 */
const JS_IMPORT_WORDS = /\brequire\b|\bimport\b|\bexport\b/;
const IMPORT_HINTS: Record<GrammarId, RegExp> = {
  typescript: JS_IMPORT_WORDS,
  tsx: JS_IMPORT_WORDS,
  javascript: JS_IMPORT_WORDS,
  python: /\bimport\b/,
  go: /\bimport\b|\bpackage\b/,
  rust: /\buse\b|\bmod\b/,
  java: /\bimport\b|\bpackage\b/,
  cpp: /#\s*include/,
  c_sharp: /\busing\b|\bnamespace\b/,
  ruby: /\brequire(?:_relative)?\b|\bload\b/,
  php: /\brequire(?:_once)?\b|\binclude(?:_once)?\b|\buse\b|\bnamespace\b/,
};

/** Limits that keep one file's facts small. */
const MAX_DEFINITIONS = 5000;

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
  let packageName: string | undefined;
  const isJs = grammar === 'typescript' || grammar === 'tsx' || grammar === 'javascript';
  const hint = IMPORT_HINTS[grammar];
  const cursor = root.walk();
  const frames: Frame[] = [{ local: false, inImport: false, parentType: '' }];
  try {
    for (;;) {
      const type = cursor.nodeType;
      const up = frames[frames.length - 1];
      let skip = false;
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
          let kind = rules.kindOf ? rules.kindOf(node, rule.kind) : rule.kind;
          let names = declaredNames(node, rule.name);
          if (isJs && kind === 'variable' && /^\s*const\b/.test(text.slice(cursor.startIndex, cursor.startIndex + 10))) kind = 'constant';
          if (grammar === 'python' && type === 'assignment' && up.parentType !== 'expression_statement') names = [];
          if (grammar === 'ruby' && type === 'assignment' && names[0]?.type !== 'constant') names = [];
          // An interface's or an alias's property is its member; one of an object type inside (a property's type, a
          // parameter's, a conditional's) belongs to no declared type.
          if (type === 'property_signature' && !ownProperty(node)) names = [];
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
          }
          if (rule.container) {
            container = names[0]?.text ?? container;
            moduleContainer = rule.kind === 'module';
          }
        }
        // `type Opts = { timeout: number }` (or `= A & { … }`): the object type's members are the alias's, as an interface's
        // are; one in a conditional (`T extends { s: infer S } ? …`), a parameter or a generic argument is no member of it.
        if (isJs && type === 'object_type' && !container) {
          const alias = typeAliasOf(cursor.currentNode);
          if (alias) {
            container = alias;
            moduleContainer = false;
          }
        }
        if (rules.containerName && type === 'impl_item') {
          const c = rules.containerName(cursor.currentNode);
          if (c) {
            container = c;
            moduleContainer = false;
          }
        }
        if (rules.functions.has(type)) {
          local = true;
          // The outermost function body only (nested ones are inside its text).
          if (!up.local && !hint.test(text.slice(cursor.startIndex, cursor.endIndex))) skip = true;
        }
      }
      if (!skip && cursor.gotoFirstChild()) {
        frames.push({ local, container, moduleContainer, inImport, parentType: type });
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          return {
            definitions,
            imports,
            ...(packageName ? { packageName } : {}),
            outline: outlineOf(root, rules, text, descendRows, isJs),
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

/** The alias an object type is the body of (`type A = { … }`, `type A = B & { … }`), or undefined. */
function typeAliasOf(objectType: Node): string | undefined {
  let n = objectType.parent;
  while (n && (n.type === 'intersection_type' || n.type === 'parenthesized_type')) n = n.parent;
  return n?.type === 'type_alias_declaration' ? n.childForFieldName('name')?.text : undefined;
}

/** Whether a property signature is in an interface's body or in the object type an alias is (`typeAliasOf`). */
function ownProperty(property: Node): boolean {
  const body = property.parent;
  return body?.type === 'interface_body' || (body?.type === 'object_type' && typeAliasOf(body) !== undefined);
}

/** The last row a node has text on (one ending at column 0 ends on the row before, as a Rust `///` line does). */
function lastRow(n: Node): number {
  return n.endPosition.row - (n.endPosition.column === 0 && n.endPosition.row > n.startPosition.row ? 1 : 0);
}

/**
 * The outline the chunker cuts along: the root's statements, and for each one with a
 * body its members (classes) or statements (functions), comments and attributes attached
 * to the node below them when nothing but a line break separates them.
 */
function outlineOf(root: Node, rules: GrammarRules, text: string, descendRows: number, isJs: boolean): SyntaxOutline {
  const rows = text.split('\n').length;
  const top: SyntaxOutline = { start: 0, end: Math.max(0, rows - 1), children: [] };
  const work: Array<{ parent: SyntaxOutline; nodes: Node[]; depth: number }> = [{ parent: top, nodes: named(root), depth: 0 }];
  while (work.length > 0) {
    const { parent, nodes, depth } = work.pop()!;
    let pending: number | undefined;
    // TypeScript overloads and their implementation are one piece (ts-overloads.ts).
    const runs = isJs ? overloadRuns(nodes, rules.attached) : undefined;
    for (let i = 0; i < nodes.length; i++) {
      const start = nodes[i].startPosition.row;
      const runEnd = runs?.get(i);
      if (runEnd !== undefined) i = runEnd;
      const n = nodes[i];
      const end = Math.max(start, lastRow(n));
      const next = nodes[i + 1];
      // A comment/attribute run directly above the next node (no blank line) belongs to it.
      // (A Rust `///` line's node ends at the start of the next row: the row its text is on counts.)
      const prevEnd = i > 0 ? lastRow(nodes[i - 1]) : -1;
      if (rules.attached.has(n.type) && next && next.startPosition.row <= end + 1 && start > prevEnd) {
        pending ??= start;
        continue;
      }
      const item: SyntaxOutline = { start: pending ?? start, end, children: [] };
      if (pending !== undefined && pending < start) item.declaration = start;
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
