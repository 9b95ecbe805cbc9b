import assert from 'node:assert/strict';
import { importsRetriever, type ImportSignals } from '../../../../daemon/context/imports-retriever';
import { memoryIndex, type MemoryIndex } from './memory-index';

const signals = (): ImportSignals => ({ files: new Set(), unused: new Set(), members: new Set() });

describe('context/imports-retriever', () => {
  let index: MemoryIndex;
  before(() => {
    index = memoryIndex('/repo', {
      'src/math.ts': [
        { startLine: 1, text: 'export function add(a: number, b: number) {\n  return a + b;\n}', symbols: ['add'] },
        { startLine: 5, text: 'export function scale(v: number, k: number) {\n  return v * k;\n}', symbols: ['scale'] },
        { startLine: 9, text: 'export function clamp(v: number) {\n  return v;\n}', symbols: ['clamp'] },
      ],
      'src/vector.ts': [
        { startLine: 1, text: 'export function dotProduct(a, b) {\n  return 0;\n}', symbols: ['dotProduct'] },
        { startLine: 5, text: 'export function normalize(v) {\n  return v;\n}', symbols: ['normalize'] },
        { startLine: 9, text: 'export function norm(v) {\n  return 1;\n}', symbols: ['norm'] },
      ],
      'lib/barrel-only.ts': [{ startLine: 1, text: 'export class Widget {}', symbols: ['Widget'] }],
      'src/app.ts': [{ startLine: 1, text: 'const x = 1;' }],
    });
  });
  after(() => index.close());

  const run = (prefix: string, suffix = '', queryWindow = prefix.split('\n').slice(-12).join('\n')) => {
    const out = signals();
    const ids = importsRetriever(index, { rel: 'src/app.ts', language: 'typescript', prefix, suffix, queryWindow }, out);
    return { ids: ids.map((id) => index.where(id)), out };
  };

  it('finds nothing without import statements', () => {
    assert.deepEqual(run('const a = 1;\n').ids, []);
  });

  it('ranks names used right above the cursor first, then imported-but-unused ones, then names used long ago', () => {
    const prefix = [
      "import { add, scale, clamp } from './math';",
      'const first = clamp(3);',
      ...Array.from({ length: 20 }, (_, i) => `const filler${i} = ${i};`),
      'const total = add(1, 2);',
      'const next = ',
    ].join('\n');
    const { ids, out } = run(prefix);
    assert.deepEqual(ids, ['src/math.ts:1', 'src/math.ts:5', 'src/math.ts:9']);
    assert.deepEqual([...out.files], ['src/math.ts']);
    assert.deepEqual(
      [...out.unused].map((id) => index.where(id)),
      ['src/math.ts:5'],
    );
  });

  it('puts members of a namespace import being typed first, best name affinity with the line first', () => {
    const prefix = "import * as vec from './vector';\nconst unit = vec.norm";
    const { ids, out } = run(prefix);
    // `norm` and `normalize` start with what is typed; `norm` is the closer name.
    assert.deepEqual(ids.slice(0, 2), ['src/vector.ts:9', 'src/vector.ts:5']);
    assert.deepEqual([...out.members].map((id) => index.where(id)).sort(), ['src/vector.ts:5', 'src/vector.ts:9']);
    assert.ok(!ids.includes('src/vector.ts:1') || ids.indexOf('src/vector.ts:1') > 1);
  });

  it('takes the members a namespace import uses in the body and after the cursor', () => {
    const { ids } = run("import * as vec from './vector';\nconst d = 1;\n", '\nreturn vec.dotProduct(a, b);');
    assert.deepEqual(ids, ['src/vector.ts:1']);
  });

  it('falls back to a unique definition by name when the module does not resolve (barrels, aliases)', () => {
    const { ids, out } = run("import { Widget } from '@app/widgets';\nconst w = new ");
    assert.deepEqual(ids, ['lib/barrel-only.ts:1']);
    assert.deepEqual([...out.files], []);
  });
});
