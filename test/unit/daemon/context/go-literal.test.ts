import assert from 'node:assert/strict';
import { goResultFit } from '../../../../daemon/context/go-results';
import { goValueWanted } from '../../../../daemon/context/go-values';
import { goLiteralKeysBelow, goLiteralMismatch } from '../../../../daemon/context/go-literal';
import { goDefinitionsIndex } from './go-index-fakes';

const indexOf = (defs: Array<[name: string, kind: string, text: string]>) => goDefinitionsIndex(defs, 'zapcore/a.go');

const fn = 'func TestNopCore(t *testing.T) {\n\t';
const below =
  '\t\tMessage:    "test",\n\t\tLevel:      InfoLevel,\n\t\tStack: Stack{\n\t\t\tFrames: 2,\n\t\t},\n\t}\n\tce := &CheckedEntry{}\n';

describe('go-literal: x := | continued by keyed elements is a composite literal', () => {
  it('reads the first level keys up to the } at the cursor line indent', () => {
    assert.deepEqual(goLiteralKeysBelow(below, '\t'), ['Message', 'Level', 'Stack']);
    // A call around the literal (`})`), statements, a map of constants with no closing at the indent: nothing.
    assert.deepEqual(goLiteralKeysBelow('\t\tName: "x",\n\t})\n', '\t'), []);
    assert.deepEqual(goLiteralKeysBelow('\tx.Run()\n', '\t'), []);
    assert.deepEqual(goLiteralKeysBelow('\t\tf(x)\n\t\tName: 1,\n\t}\n', '\t'), []);
    assert.deepEqual(goLiteralKeysBelow('\t}\n', '\t'), []);
  });

  it('x := | wants a struct declaring the keys; `x := f(` or a value with no such lines says nothing of it', () => {
    assert.deepEqual(goValueWanted(`${fn}entry := `, 'zapcore/a_test.go', indexOf([]).index, false, below), {
      literal: ['Message', 'Level', 'Stack'],
    });
    assert.deepEqual(goValueWanted(`${fn}entry := `, 'zapcore/a_test.go', indexOf([]).index, false, '\tce.Write()\n}\n'), { values: 1 });
    // `var x = |` at the top level too (a declared type, `var x T = |`, says the type itself).
    assert.deepEqual(
      goValueWanted('package zapcore\n\nvar testEntry = ', 'zapcore/a_test.go', indexOf([]).index, false, '\tLoggerName: "main",\n}\n'),
      {
        literal: ['LoggerName'],
      },
    );
    assert.deepEqual(
      goValueWanted(
        'package zapcore\n\nvar testEntry Entry = ',
        'zapcore/a_test.go',
        indexOf([]).index,
        false,
        '\tLoggerName: "main",\n}\n',
      ),
      {
        type: 'Entry',
      },
    );
  });

  it('ranks the struct declaring the fields before functions and other structs', () => {
    const { index, sites, rows } = indexOf([
      ['NewEntry', 'function', 'func NewEntry() Entry {'],
      ['CheckedEntry', 'type', 'type CheckedEntry struct {\n\tEntry\n\tErrorOutput WriteSyncer\n}'],
      ['Entry', 'type', 'type Entry struct {\n\tLevel      Level\n\tMessage    string // the message\n\tStack, Name string\n}'],
      ['Cut', 'type', 'type Cut struct {\n\tMessage string\n\tLevel Level'],
    ]);
    assert.equal(goLiteralMismatch(sites[2], rows.get(3)!, ['Message', 'Level', 'Stack']), 0);
    assert.equal(goLiteralMismatch(sites[1], rows.get(2)!, ['Entry']), 0);
    assert.equal(goLiteralMismatch(sites[1], rows.get(2)!, ['Message']), 2);
    assert.equal(goLiteralMismatch(sites[0], rows.get(1)!, ['Message']), 2);
    // A chunk cut before the struct's `}` may declare the rest below.
    assert.equal(goLiteralMismatch(sites[3], rows.get(4)!, ['Message', 'Stack']), 1);
    const ranked = sites.map((s, i) => ({ site: s, key: [0, 0, i] }));
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const fit = goResultFit(
      index,
      'zapcore/a_test.go',
      ranked,
      `${fn}entry := `,
      order,
      goValueWanted(`${fn}entry := `, 'zapcore/a_test.go', index, false, below),
    );
    assert.deepEqual(
      fit.map((r) => r.site.name),
      ['Entry', 'Cut', 'NewEntry', 'CheckedEntry'],
    );
  });
});
