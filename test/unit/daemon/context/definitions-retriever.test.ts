import assert from 'node:assert/strict';
import { definitionsRetriever } from '../../../../daemon/context/definitions-retriever';
import { memoryIndex, type MemoryIndex } from './memory-index';

describe('context/definitions-retriever', () => {
  let index: MemoryIndex;
  before(() => {
    const many = Object.fromEntries(
      [1, 2, 3, 4].map((i) => [
        `src/handlers/h${i}.ts`,
        [{ startLine: 1, text: `export function handle() { return ${i}; }`, symbols: ['handle'] }],
      ]),
    );
    index = memoryIndex('/repo', {
      'src/shapes.ts': [
        { startLine: 1, text: 'export class Circle {}', symbols: ['Circle'] },
        { startLine: 3, text: 'export class Square {}', symbols: ['Square'] },
      ],
      'src/words.ts': [{ startLine: 1, text: 'export const radius = 1;', symbols: ['radius'] }],
      ...many,
    });
  });
  after(() => index.close());

  const run = (window: string, prose = false) => definitionsRetriever(index.store, window, prose).map((id) => index.where(id));

  it('stops looking names up once the deadline has passed', () => {
    let checks = 0;
    assert.deepEqual(
      definitionsRetriever(index.store, 'const c = new Circle();\nconst s = new Square();', false, () => ++checks > 1).map((id) =>
        index.where(id),
      ),
      ['src/shapes.ts:3'],
      'the nearest name only',
    );
  });

  it('returns where the identifiers above the cursor are declared, the nearest identifier first', () => {
    assert.deepEqual(run('const c = new Circle();\nconst s = new Square();'), ['src/shapes.ts:3', 'src/shapes.ts:1']);
  });

  it('skips names declared in more than three places', () => {
    assert.deepEqual(run('handle(request);'), []);
  });

  it('in prose mode does not take plain lowercase words for names', () => {
    assert.deepEqual(run('the radius of Circle'), ['src/shapes.ts:1', 'src/words.ts:1']);
    assert.deepEqual(run('the radius of Circle', true), ['src/shapes.ts:1']);
  });
});
