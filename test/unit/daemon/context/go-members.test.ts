import assert from 'node:assert/strict';
import { goImplementations, goImplementingTypes } from '../../../../daemon/context/go-members';
import { memoryIndex, type MemoryIndex } from './memory-index';

const method = (name: string, line: number, container: string) => ({ name, line, kind: 'method' as const, container });

describe('context/go-members: the types implementing a Go interface', () => {
  let index: MemoryIndex;
  before(() => {
    index = memoryIndex('/repo', {
      'm/metric.go': [
        {
          startLine: 1,
          text: 'type Metric interface {\n\tDesc() *Desc\n\tWrite(m *pb.Metric) error\n}',
          symbols: [{ name: 'Metric', line: 1, kind: 'interface' }, method('Desc', 2, 'Metric'), method('Write', 3, 'Metric')],
        },
        // An interface that repeats the methods implements nothing.
        {
          startLine: 6,
          text: 'type Counter interface {\n\tDesc() *Desc\n\tWrite(m *pb.Metric) error\n}',
          symbols: [{ name: 'Counter', line: 6, kind: 'interface' }, method('Desc', 7, 'Counter'), method('Write', 8, 'Counter')],
        },
      ],
      'm/counter.go': [
        { startLine: 1, text: 'func (c *counter) Desc() *Desc {\n}', symbols: [method('Desc', 1, 'counter')] },
        { startLine: 3, text: 'func (c *counter) Write(m *pb.Metric) error {\n}', symbols: [method('Write', 3, 'counter')] },
      ],
      // Its methods in two files of one package: one type.
      'm/gauge.go': [{ startLine: 1, text: 'func (g *gauge) Desc() *Desc {\n}', symbols: [method('Desc', 1, 'gauge')] }],
      'm/gauge_write.go': [
        { startLine: 1, text: 'func (g *gauge) Write(m *pb.Metric) error {\n}', symbols: [method('Write', 1, 'gauge')] },
      ],
      // Desc only: not an implementation.
      'm/half.go': [{ startLine: 1, text: 'func (h *half) Desc() *Desc {\n}', symbols: [method('Desc', 1, 'half')] }],
    });
  });
  after(() => index.close());

  it('the types declaring every method the interface lists, their methods in its order', () => {
    const own = index.syntax.definitionsIn('m/metric.go').filter((d) => d.container === 'Metric');
    const r = goImplementations(index.syntax, 'Metric', own);
    assert.equal(r.types, 2);
    assert.deepEqual(
      r.methods.map((m) => `${m.container}.${m.name}@${m.path}`),
      ['counter.Desc@m/counter.go', 'gauge.Desc@m/gauge.go', 'counter.Write@m/counter.go', 'gauge.Write@m/gauge_write.go'],
    );
  });

  it('nothing for an interface without methods', () => {
    assert.deepEqual(goImplementations(index.syntax, 'Empty', []), { types: 0, methods: [] });
  });

  it("the names of the package's types implementing an interface the workspace declares", () => {
    assert.deepEqual([...goImplementingTypes(index.syntax, 'Metric', 'm/')!].sort(), ['counter', 'gauge']);
    assert.deepEqual([...goImplementingTypes(index.syntax, 'Metric', 'other/')!], []);
    assert.equal(goImplementingTypes(index.syntax, 'Handler', 'm/'), undefined);
  });
});
