import assert from 'node:assert/strict';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import { memberDeclaration, memberFit } from '../../../../daemon/context/member-fit';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';

/** A member declared on `line` (1-based) of a chunk starting at line 1. */
function member(language: string, text: string, name: string, kind: string, line: number): [DefinitionSite, ChunkRow] {
  const row: ChunkRow = { id: 1, path: 'a', language, startLine: 1, endLine: 99, hash: 'h', symbols: [name], text, context: '' };
  return [{ name, kind, path: 'a', line, chunkId: 1, container: 'T' }, row];
}
const decl = (...args: Parameters<typeof member>) => memberDeclaration(...member(...args));

describe('context/member-fit', () => {
  it('reads type-level members: static, @classmethod/@staticmethod, Rust functions without self', () => {
    assert.equal(decl('python', 'class Color:\n    @classmethod\n    def from_rgb(cls, r):', 'from_rgb', 'method', 3).level, 'type');
    assert.equal(decl('python', 'class Color:\n    def downgrade(self, system):', 'downgrade', 'method', 2).level, 'instance');
    assert.equal(decl('typescript', 'class A {\n  static of(x: number) {', 'of', 'method', 2).level, 'type');
    assert.equal(decl('typescript', 'class A {\n  push(x: number) {', 'push', 'method', 2).level, 'instance');
    assert.equal(decl('java', 'class A {\n  public static A create() {', 'create', 'method', 2).level, 'type');
    assert.equal(decl('rust', 'impl Dir {\n    pub fn new(name: &str) -> Dir {', 'new', 'method', 2).level, 'type');
    assert.equal(decl('rust', "impl Dir {\n    pub fn path<'a>(&'a self) -> &Path {", 'path', 'method', 2).level, 'instance');
    assert.equal(decl('rust', 'impl Dir {\n    fn create(&mut self, name: &str) {', 'create', 'method', 2).level, 'instance');
  });

  it('reads boolean-ish members from the declared type or a predicate name', () => {
    assert.equal(decl('rust', 'impl Args {\n    pub fn quit_after_match(&self) -> bool {', 'quit_after_match', 'method', 2).boolish, true);
    assert.equal(decl('typescript', 'class S {\n  closed: boolean = false', 'closed', 'field', 2).boolish, true);
    assert.equal(decl('typescript', 'class S {\n  get done(): boolean {', 'done', 'method', 2).boolish, true);
    assert.equal(decl('go', 'func (c *Context) IsAborted() bool {', 'IsAborted', 'method', 1).boolish, true);
    assert.equal(decl('java', 'class A {\n  public boolean ready() {', 'ready', 'method', 2).boolish, true);
    assert.equal(decl('python', 'class T:\n    def started(self) -> bool:', 'started', 'method', 2).boolish, true);
    assert.equal(decl('python', 'class T:\n    def has_data(self):', 'has_data', 'method', 2).boolish, true);
    assert.equal(decl('python', 'class T:\n    def advance(self, n: int) -> None:', 'advance', 'method', 2).boolish, false);
  });

  it('reads methods that return nothing, per language', () => {
    const none = (...args: Parameters<typeof member>) => decl(...args).returnsNothing;
    assert.equal(none('typescript', 'class S {\n  close(): void {', 'close', 'method', 2), true);
    assert.equal(none('typescript', 'class S {\n  read(): string {', 'read', 'method', 2), false);
    assert.equal(none('python', 'class T:\n    def advance(self, n: int) -> None:', 'advance', 'method', 2), true);
    assert.equal(none('python', 'class T:\n    def copy(self) -> "T":', 'copy', 'method', 2), false);
    assert.equal(none('go', 'func (c *Context) Next() {', 'Next', 'method', 1), true);
    assert.equal(none('go', 'func (c *Context) Param(key string) string {', 'Param', 'method', 1), false);
    assert.equal(none('rust', 'impl Dir {\n    pub fn create(&self, name: &str) {', 'create', 'method', 2), true);
    assert.equal(none('rust', 'impl Dir {\n    pub fn path(&self) -> &Path {', 'path', 'method', 2), false);
    assert.equal(none('java', 'class A {\n  public void reset() {', 'reset', 'method', 2), true);
    assert.equal(none('java', 'class A {\n  public int size() {', 'size', 'method', 2), false);
  });

  it('reads TypeScript private and protected members (for the class alone), not public or other languages', () => {
    const restricted = (...args: Parameters<typeof member>) => decl(...args).restricted === true;
    assert.equal(restricted('typescript', 'class S {\n  private pool: Pool', 'pool', 'field', 2), true);
    assert.equal(restricted('typescript', 'class S {\n  protected async flush() {', 'flush', 'method', 2), true);
    assert.equal(restricted('typescript', 'class S {\n  static private of() {', 'of', 'method', 2), true);
    assert.equal(restricted('typescript', 'class S {\n  public pool: Pool', 'pool', 'field', 2), false);
    assert.equal(restricted('typescript', 'class S {\n  push(x: Privacy) {', 'push', 'method', 2), false);
    assert.equal(restricted('java', 'class A {\n  private int size() {', 'size', 'method', 2), false);
  });

  it('Go: a statement (`c.` starting its line) calls methods that return nothing; fields fit there too', () => {
    const stmt = { position: 'statement' as const, typeLevel: false, own: false };
    assert.equal(memberFit(...member('go', 'func (c *Context) Next() {', 'Next', 'method', 1), stmt), 0);
    assert.equal(memberFit(...member('go', 'func (c *Context) Param(key string) string {', 'Param', 'method', 1), stmt), 1);
    assert.equal(memberFit(...member('go', 'type Context struct {\n\tAccepted []string', 'Accepted', 'field', 2), stmt), 0);
  });

  it('counts how badly a member fits the position', () => {
    const [fromRgb, r1] = member('python', 'class Color:\n    @classmethod\n    def from_rgb(cls, r):', 'from_rgb', 'method', 3);
    const [downgrade, r2] = member('python', 'class Color:\n    def downgrade(self, system):', 'downgrade', 'method', 2);
    const at = (typeLevel: boolean, position: 'condition' | 'value' | 'other' = 'other') => ({ position, typeLevel, own: false });
    assert.equal(memberFit(fromRgb, r1, at(true)), 0);
    assert.equal(memberFit(fromRgb, r1, at(false)), 1);
    assert.equal(memberFit(downgrade, r2, at(false)), 0);
    assert.equal(memberFit(downgrade, r2, at(true)), 1);
    // `self.` reaches both.
    assert.equal(memberFit(fromRgb, r1, { position: 'other', typeLevel: false, own: true }), 0);
    const [closed, r3] = member('typescript', 'class S {\n  closed: boolean = false', 'closed', 'field', 2);
    const [write, r4] = member('typescript', 'class S {\n  write(s: string) {', 'write', 'method', 2);
    assert.equal(memberFit(closed, r3, at(false, 'condition')), 0);
    assert.equal(memberFit(write, r4, at(false, 'condition')), 1);
    assert.equal(memberFit(write, r4, at(false, 'other')), 0);
    // A method returning nothing cannot be read as a value.
    const [close, r6] = member('typescript', 'class S {\n  close(): void {', 'close', 'method', 2);
    assert.equal(memberFit(close, r6, at(false, 'value')), 1);
    assert.equal(memberFit(close, r6, at(false, 'other')), 0);
    assert.equal(memberFit(write, r4, at(false, 'value')), 0);
  });
});
