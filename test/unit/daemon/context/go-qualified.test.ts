import assert from 'node:assert/strict';
import { goEnclosingResult, goScopeLines } from '../../../../daemon/context/go-enclosing';
import { goMembersUsedBelow } from '../../../../daemon/context/go-uses';
import { goFieldWanted } from '../../../../daemon/context/go-fields';
import { goAliasedResult, qualified, unqualified } from '../../../../daemon/context/go-qualified';
import { goMemberMismatch, goMemberWanted, goReturnWanted } from '../../../../daemon/context/go-results';
import { goValueWanted, type GoValueIndex } from '../../../../daemon/context/go-values';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';

/** An index of one-line declarations: [name, kind, path, text]. */
function indexOf(decls: Array<[string, string, string, string]>): {
  index: GoValueIndex;
  sites: DefinitionSite[];
  rows: Map<number, ChunkRow>;
} {
  const rows = new Map<number, ChunkRow>();
  const sites = decls.map(([name, kind, path, text], i) => {
    const id = i + 1;
    rows.set(id, { id, path, language: 'go', startLine: 1, endLine: 3, hash: 'h', symbols: [name], text, context: '' });
    return { name, kind, path, line: 1, chunkId: id };
  });
  const index: GoValueIndex = {
    chunks: (ids) => new Map(ids.filter((i) => rows.has(i)).map((i) => [i, rows.get(i)!])),
    definitions: (name) => sites.filter((s) => s.name === name),
  };
  return { index, sites, rows };
}

describe('context/go-qualified: a type in the document and in its package, and aliases', () => {
  it('takes a qualifier off the names it qualifies, not off longer names', () => {
    assert.equal(unqualified('zapcore.Level', 'zapcore'), 'Level');
    assert.equal(unqualified('(*zapcore.Encoder,error)', 'zapcore'), '(*Encoder,error)');
    assert.equal(unqualified('[]zap.Field', 'zap'), '[]Field');
    assert.equal(unqualified('zapcore.Level', 'core'), 'zapcore.Level');
    assert.equal(unqualified('x.zap.Field', 'zap'), 'x.zap.Field');
  });

  it("writes a package's own type as the document importing it does", () => {
    assert.equal(qualified('EncoderConfig', 'zapcore'), 'zapcore.EncoderConfig');
    assert.equal(qualified('[]Field', 'zapcore'), '[]zapcore.Field');
    assert.equal(qualified('map[string]*Entry', 'zapcore'), 'map[string]*zapcore.Entry');
    assert.equal(qualified('time.Duration', 'zapcore'), 'time.Duration');
    assert.equal(qualified('error', 'zapcore'), 'error');
    // `zapcore.NewJSONEncoder(zap.|`: zap's function giving a zapcore.EncoderConfig is the argument.
    const { index, sites, rows } = indexOf([
      ['NewJSONEncoder', 'function', 'zapcore/json_encoder.go', 'func NewJSONEncoder(cfg EncoderConfig) Encoder {'],
      ['NewProductionEncoderConfig', 'function', 'config.go', 'func NewProductionEncoderConfig() zapcore.EncoderConfig {'],
    ]);
    const wanted = goMemberWanted(
      'import (\n\t"go.uber.org/zap/zapcore"\n)\n\nfunc f() {\n\tenc := zapcore.NewJSONEncoder(zap.',
      index,
      'a_test.go',
    );
    assert.deepEqual(wanted, { type: 'zapcore.EncoderConfig' });
    assert.equal(goMemberMismatch(sites[1], rows.get(2)!, wanted!, index, { n: 0 }, 'zap'), 0);
  });

  it('reads a result named by an alias of its folder as the aliased type, once per folder and name', () => {
    const { index } = indexOf([
      ['Field', 'type', 'field.go', 'type Field = zapcore.Field'],
      ['Field', 'type', 'zapcore/field.go', 'type Field struct {'],
      ['Level', 'type', 'level.go', 'type Level int8'],
    ]);
    const reads = { n: 0 };
    assert.equal(goAliasedResult('Field', '', index, reads), 'zapcore.Field');
    assert.equal(goAliasedResult('*Field', '', index, reads), '*zapcore.Field');
    assert.equal(reads.n, 1);
    assert.equal(goAliasedResult('Field', 'zapcore/', index, reads), undefined);
    assert.equal(goAliasedResult('Level', '', index, reads), undefined);
    assert.equal(goAliasedResult('(Field,error)', '', index, reads), undefined);
  });

  it('after `pkg.`, a member giving `T` as its package writes it fits where `pkg.T` is wanted; so does one giving an alias of it', () => {
    const { index, sites, rows } = indexOf([
      ['LevelOf', 'function', 'zapcore/level.go', 'func LevelOf(enab LevelEnabler) Level {'],
      ['Int', 'function', 'field.go', 'func Int(key string, val int) Field {'],
      ['Field', 'type', 'field.go', 'type Field = zapcore.Field'],
      ['Field', 'type', 'zapcore/field.go', 'type Field struct {'],
      ['Level', 'type', 'zapcore/level.go', 'type Level int8'],
      ['Sugar', 'method', 'logger.go', 'func (log *Logger) Sugar() *SugaredLogger {'],
    ]);
    const fit = (i: number, type: string, qualifier?: string) =>
      goMemberMismatch(sites[i], rows.get(i + 1)!, { type }, index, { n: 0 }, qualifier);
    assert.equal(fit(0, 'zapcore.Level', 'zapcore'), 0);
    assert.equal(fit(0, 'zapcore.Level'), 2);
    assert.equal(fit(0, '(zapcore.Level,error)', 'zapcore'), 0);
    // zap.Int gives a Field, which zap declares to be zapcore.Field.
    assert.equal(fit(1, 'zapcore.Field', 'zap'), 0);
    assert.equal(fit(1, 'zap.Field', 'zap'), 0);
    assert.equal(fit(5, 'zapcore.Field', 'zap'), 2);
    // A struct type's value is no other defined type's (Level is `type Level int8`); an alias may be anything.
    assert.equal(fit(3, 'zapcore.Level', 'zapcore'), 2);
    // Level itself fits, after its constants (a type of a basic kind: go-results.ts).
    assert.equal(fit(4, 'zapcore.Level', 'zapcore'), 0.5);
    assert.equal(fit(3, 'zap.Field', 'zapcore'), 1);
    assert.equal(fit(2, 'zapcore.Level', 'zap'), 1);
  });

  it('`return |` in a function literal takes what the literal returns, not the declaration around it', () => {
    assert.equal(
      goEnclosingResult(
        'func f() *Logger {\n\topts = append(opts, WrapCore(func(core zapcore.Core) zapcore.Core {\n\t\tif x {\n\t\t\ty()\n\t\t}\n\t\t',
      ),
      'zapcore.Core',
    );
    assert.equal(goEnclosingResult('func f() *Logger {\n\tg(func() {\n\t\ty()\n\t})\n\t'), '*Logger');
    assert.equal(goEnclosingResult('func f() *Logger {\n\tgo func() {\n\t\t'), '');
    assert.equal(goEnclosingResult('func f() *Logger {\n\ts := "}"\n\tt := `{`\n\t'), '*Logger');
    assert.equal(goEnclosingResult('func f(\n\ta int,\n) error {\n\t'), 'error');
    assert.equal(goEnclosingResult('x := 1\n'), undefined);
    assert.equal(
      goReturnWanted(
        'var m = map[string]func(Config) (Encoder, error){\n\t"console": func(c Config) (zapcore.Encoder, error) {\n\t\treturn ',
      ),
      '(zapcore.Encoder,error)',
    );
    assert.equal(goReturnWanted('func f() error {\n\tgo func() {\n\t\treturn '), undefined);
    // A signature over several lines, closed by gofmt at the line's start.
    assert.equal(goReturnWanted('func g() int {\n}\n\nfunc f(\n\ta int,\n) error {\n\treturn '), 'error');
  });
});

describe('context/go-functypes: a function passed by name where a function type is wanted', () => {
  it('fits by its signature, parameter names aside; an interface is no value of another type', () => {
    const { index, sites, rows } = indexOf([
      ['DurationEncoder', 'type', 'zapcore/encoder.go', 'type DurationEncoder func(time.Duration, PrimitiveArrayEncoder)'],
      [
        'SecondsDurationEncoder',
        'function',
        'zapcore/encoder.go',
        'func SecondsDurationEncoder(d time.Duration, enc PrimitiveArrayEncoder) {',
      ],
      ['FullNameEncoder', 'function', 'zapcore/encoder.go', 'func FullNameEncoder(loggerName string, enc PrimitiveArrayEncoder) {'],
      ['rootEncoder', 'function', 'encoder.go', 'func rootEncoder(d time.Duration, enc zapcore.PrimitiveArrayEncoder) {'],
      ['Core', 'interface', 'zapcore/core.go', 'type Core interface {'],
      ['Generic', 'function', 'zapcore/encoder.go', 'func Generic[T any](d time.Duration, enc PrimitiveArrayEncoder) {'],
    ]);
    const fit = (i: number, type: string, qualifier?: string) =>
      goMemberMismatch(sites[i], rows.get(i + 1)!, { type }, index, { n: 0 }, qualifier);
    assert.equal(fit(1, 'zapcore.DurationEncoder', 'zapcore'), 0);
    assert.equal(fit(1, 'DurationEncoder'), 0);
    assert.equal(fit(2, 'zapcore.DurationEncoder', 'zapcore'), 2);
    assert.equal(fit(5, 'zapcore.DurationEncoder', 'zapcore'), 2);
    // Declared in another package, which writes the type's package's names qualified.
    assert.equal(fit(3, 'zapcore.DurationEncoder'), 0);
    assert.equal(fit(4, 'zapcore.DurationEncoder', 'zapcore'), 2);
    assert.equal(fit(4, 'zapcore.Core', 'zapcore'), 1);
  });
});

describe('context/go-values: `x := |` and x passed to a call below', () => {
  it('takes the parameter type of the call x is passed to, in the block x is declared in', () => {
    const { index } = indexOf([
      ['NewCore', 'function', 'zapcore/core.go', 'func NewCore(enc Encoder, ws WriteSyncer, enab LevelEnabler) Core {'],
      ['AppendInt', 'method', 'zapcore/encoder.go', 'func (e *jsonEncoder) AppendInt(v int) {'],
    ]);
    const before = 'import (\n\t"go.uber.org/zap/zapcore"\n)\n\nfunc f() {\n\t\tenc := ';
    const below = '\t\t\tMessageKey: "m",\n\t\t})\n\t\tlogger := New(zapcore.NewCore(enc, &bs, DebugLevel)).Sugar()\n';
    assert.deepEqual(goValueWanted(before, 'a_test.go', index, false, below), { type: 'zapcore.Encoder', passed: true });
    // After the block's closing brace another enc is meant; a function literal's parameter enc is another value.
    assert.deepEqual(goValueWanted(before, 'a_test.go', index, false, '\t}\n\tzapcore.NewCore(enc, ws, l)\n'), { values: 1 });
    const shadowed = '\t\tarr := f(func(enc zapcore.ArrayEncoder) error {\n\t\t\tenc.AppendInt(1)\n';
    assert.deepEqual(goMembersUsedBelow('enc', shadowed, '\t\t'), []);
    assert.deepEqual(goMembersUsedBelow('enc', '\t\tenc.AppendInt(1)\n\t}\n\tenc.Close()\n', '\t\t'), ['AppendInt']);
  });

  it('reads the lines of the block only, by gofmt indentation (the rest of the cursor line may open braces)', () => {
    assert.deepEqual(goScopeLines('\t\tA: 1,\n\t})\n\tx()\n}\ny()\n', 10, '\t'), ['\t\tA: 1,', '\t})', '\tx()']);
    assert.deepEqual(goScopeLines('a\nb\nc\n', 2, '\t'), ['a', 'b']);
  });
});

describe('context/go-fields: keys on a literal line, aliases, and receivers of function literals', () => {
  const { index } = indexOf([
    ['Field', 'type', 'field.go', 'type Field = zapcore.Field'],
    ['Field', 'type', 'zapcore/field.go', 'type Field struct {\n\tKey       string\n\tType      FieldType\n}'],
    ['Logger', 'type', 'logger.go', 'type Logger struct {\n\tcore zapcore.Core\n}'],
  ]);

  it("`Field{Key: key, Type: |`: a key after the literal's brace or a comma; through an alias, the aliased struct's field", () => {
    assert.equal(
      goFieldWanted('func f() Field {\n\treturn Field{Key: key, Type: ', '\treturn Field{Key: key, Type: ', 'array.go', index),
      'zapcore.FieldType',
    );
    assert.equal(goFieldWanted('func f() Field {\n\treturn Field{Type: ', '\treturn Field{Type: ', 'array.go', index), 'zapcore.FieldType');
    assert.equal(goFieldWanted('func f() {\n\tm := map[string]int{a: ', '\tm := map[string]int{a: ', 'array.go', index), undefined);
  });

  it('`log.core = |` with log a parameter of the function literal the cursor is in', () => {
    const before = 'func Hooks(hooks ...func(zapcore.Entry) error) Option {\n\treturn optionFunc(func(log *Logger) {\n\t\tlog.core = ';
    assert.deepEqual(goValueWanted(before, 'options.go', index, false), { type: 'zapcore.Core' });
  });
});
