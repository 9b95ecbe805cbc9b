/**
 * Imports of the current document: which names it takes from which module, and which
 * indexed file each local module specifier resolves to. Used by fusion to rank the
 * definitions of imported symbols (those not used yet in the prefix first: an import
 * that is not used above the cursor is likely about to be used at it).
 */
import { posix } from 'node:path';
import { goAssumedName } from './syntax/import-readers';

export interface ImportedName {
  /** Name as declared in the imported module. */
  imported: string;
  /** Name used in this file. */
  local: string;
}

export interface ImportStatement {
  specifier: string;
  names: ImportedName[];
  /** `import * as ns` / `import x` of a whole module: members are used as `ns.X`. */
  namespace?: string;
}

const jsImport = /(?:^|[\n;])[ \t]*(?:import|export)\s+(?:type\s+)?([\w$\s{},*]{1,2000}?)\s+from\s+['"]([^'"\n]+)['"]/g;
const jsRequire = /(?:const|let|var)\s+(\{[^}]*\}|[A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"]([^'"\n]+)['"]\s*\)/g;
const pyFrom = /^\s*from\s+([.\w]+)\s+import\s+(\([^)]*\)|[^\n#]+)/gm;
const pyImport = /^\s*import\s+([\w.]+)(?:\s+as\s+(\w+))?/gm;
const rustUse = /^\s*(?:pub\s+)?use\s+([\w:]+?)(?:::\{([^}]*)\}|::(\w+))?\s*;/gm;
const javaImport = /^\s*import\s+(?:static\s+)?([\w.]+)\.(\w+)\s*;/gm;
const goImport = /^\s*(?:import\s+)?(?:(\w+)\s+)?"([\w./-]+)"\s*$/gm;

function parseJsClause(clause: string): { names: ImportedName[]; namespace?: string } {
  const names: ImportedName[] = [];
  let namespace: string | undefined;
  const braces = /\{([\s\S]*)\}/.exec(clause);
  if (braces) {
    for (const part of braces[1].split(',')) {
      const m = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part.replace(/\/\/.*$/gm, ''));
      if (m) names.push({ imported: m[1], local: m[2] ?? m[1] });
    }
  }
  const ns = /\*\s+as\s+([A-Za-z_$][\w$]*)/.exec(clause);
  if (ns) namespace = ns[1];
  const def = /^\s*([A-Za-z_$][\w$]*)\s*(?:,|$)/.exec(clause.replace(/\{[\s\S]*\}/, ''));
  if (def && def[1] !== 'type') names.push({ imported: 'default', local: def[1] });
  return { names, namespace };
}

/** Parse the import statements of a document in the given language. */
export function parseImports(text: string, languageId: string): ImportStatement[] {
  const out: ImportStatement[] = [];
  const lang = languageId;
  if (/^(typescript|javascript|typescriptreact|javascriptreact)$/.test(lang)) {
    for (const m of text.matchAll(jsImport)) {
      const { names, namespace } = parseJsClause(m[1]);
      out.push({ specifier: m[2], names, namespace });
    }
    for (const m of text.matchAll(jsRequire)) {
      const { names } = parseJsClause(m[1]);
      out.push({ specifier: m[2], names, namespace: m[1].startsWith('{') ? undefined : m[1] });
    }
  } else if (lang === 'python') {
    for (const m of text.matchAll(pyFrom)) {
      const names = m[2]
        .replace(/[()]/g, '')
        .split(',')
        .map((p) => /^\s*(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(p))
        .filter((x): x is RegExpExecArray => x !== null)
        .map((x) => ({ imported: x[1], local: x[2] ?? x[1] }));
      // `use crate::frame::{self, Frame}`: `frame` names the module too (syntax/import-readers.ts reads it so).
      const module = names.some((n) => n.imported === 'self') ? m[1].split('::').pop() : undefined;
      out.push({
        specifier: m[1],
        names: names.filter((n) => n.imported !== 'self'),
        ...(module && !['crate', 'super', 'self'].includes(module) ? { namespace: module } : {}),
      });
    }
    for (const m of text.matchAll(pyImport)) out.push({ specifier: m[1], names: [], namespace: m[2] ?? m[1].split('.').pop() });
  } else if (lang === 'rust') {
    for (const m of text.matchAll(rustUse)) {
      const list = m[2] !== undefined ? m[2].split(',') : m[3] !== undefined ? [m[3]] : [];
      const names = list
        .map((p) => /^\s*(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(p))
        .filter((x): x is RegExpExecArray => x !== null)
        .map((x) => ({ imported: x[1], local: x[2] ?? x[1] }));
      // `use crate::frame::{self, Frame}`: `frame` names the module too (syntax/import-readers.ts reads it so).
      const module = names.some((n) => n.imported === 'self') ? m[1].split('::').pop() : undefined;
      out.push({
        specifier: m[1],
        names: names.filter((n) => n.imported !== 'self'),
        ...(module && !['crate', 'super', 'self'].includes(module) ? { namespace: module } : {}),
      });
    }
  } else if (lang === 'java' || lang === 'kotlin' || lang === 'scala') {
    for (const m of text.matchAll(javaImport)) out.push({ specifier: `${m[1]}.${m[2]}`, names: [{ imported: m[2], local: m[2] }] });
  } else if (lang === 'go') {
    for (const m of text.matchAll(goImport)) out.push({ specifier: m[2], names: [], namespace: m[1] ?? goAssumedName(m[2]) });
  }
  return out;
}

const jsExtensions = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mts', '.mjs', '.cts', '.cjs', '.vue', '.svelte'];

/**
 * Resolve a module specifier written in `fromRel` (root-relative) to an indexed file,
 * or undefined for packages and unknown modules. `exists` answers for root-relative paths;
 * `findBySuffix` finds files whose path ends with a given suffix (for Java/Python packages).
 */
export function resolveImport(
  spec: string,
  fromRel: string,
  languageId: string,
  exists: (rel: string) => boolean,
  findBySuffix?: (suffix: string) => string | undefined,
): string | undefined {
  const dir = posix.dirname(fromRel);
  const norm = (p: string) => {
    const n = posix.normalize(p);
    return n.startsWith('../') || n === '..' ? undefined : n.replace(/^\.\//, '');
  };
  if (/^(typescript|javascript|typescriptreact|javascriptreact)$/.test(languageId)) {
    if (!spec.startsWith('.')) return undefined;
    const base = norm(posix.join(dir, spec));
    if (base === undefined) return undefined;
    const stem = base.replace(/\.(m|c)?jsx?$/, '');
    const candidates = [base, ...jsExtensions.map((e) => stem + e), ...jsExtensions.map((e) => `${base}/index${e}`)];
    return candidates.find(exists);
  }
  if (languageId === 'python') {
    const lead = /^\.+/.exec(spec)?.[0].length ?? 0;
    const mod = spec.slice(lead).split('.').filter(Boolean).join('/');
    if (lead > 0) {
      let base = dir;
      for (let i = 1; i < lead; i++) base = posix.dirname(base);
      const p = norm(posix.join(base, mod));
      if (p === undefined) return undefined;
      return [`${p}.py`, `${p}/__init__.py`, `${p}.pyi`].find(exists);
    }
    return [`${mod}.py`, `${mod}/__init__.py`].find(exists) ?? findBySuffix?.(`/${mod}.py`);
  }
  if (languageId === 'java' || languageId === 'kotlin' || languageId === 'scala') {
    const p = spec.split('.').join('/');
    for (const ext of ['.java', '.kt', '.scala']) {
      const hit = findBySuffix?.(`${p}${ext}`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (languageId === 'rust') {
    const parts = spec.split('::');
    if (parts[0] !== 'crate' && parts[0] !== 'super' && parts[0] !== 'self') return undefined;
    const mod = parts.slice(1).join('/');
    return findBySuffix?.(`/${mod}.rs`) ?? findBySuffix?.(`/${mod}/mod.rs`);
  }
  return undefined;
}
