import assert from 'node:assert/strict';
import { CommitMessageWriter, keptShare, type CommitRepo } from '../../../../extension/commands/commit-flow';
import type { CommandOutcomeReport } from '../../../../extension/commands/outcome-reporter';
import type { CommitMessageRequest } from '../../../../protocol';

class FakeRepo implements CommitRepo {
  readonly root = '/repo';
  value = 'draft';
  values: string[] = [];
  headCommit: string | undefined = 'c1';
  messages = new Map<string, string>();
  listeners = new Set<() => void>();
  diffs: boolean[] = [];
  constructor(
    private staged = 1,
    private changed = 1,
  ) {}
  refreshed = 0;
  pendingStaged: number | undefined;
  refresh = async () => {
    this.refreshed++;
    if (this.pendingStaged !== undefined) this.staged = this.pendingStaged;
  };
  stagedCount = () => this.staged;
  changedCount = () => this.changed;
  diff = async (staged: boolean) => {
    this.diffs.push(staged);
    return 'diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b';
  };
  recentSubjects = async () => ['feat: one', 'fix: two'];
  branch = () => 'main';
  input = { get: () => this.value, set: (v: string) => (this.values.push(v), (this.value = v)) };
  head = () => this.headCommit;
  headMessage = async () => (this.headCommit ? this.messages.get(this.headCommit) : undefined);
  onDidChange = (l: () => void) => {
    this.listeners.add(l);
    return { dispose: () => void this.listeners.delete(l) };
  };
  commit(id: string, message: string): void {
    this.headCommit = id;
    this.messages.set(id, message);
    for (const l of [...this.listeners]) l();
  }
}

function writer(answer: (p: CommitMessageRequest.Params, onDelta: (d: string) => void) => Promise<Partial<CommitMessageRequest.Result>>) {
  const reports: CommandOutcomeReport[] = [];
  const infos: string[] = [];
  const warns: string[] = [];
  const calls: CommitMessageRequest.Params[] = [];
  let n = 0;
  const w = new CommitMessageWriter({
    backend: {
      commitMessage: async (p, onDelta) => {
        calls.push(p as CommitMessageRequest.Params);
        const r = await answer(p as CommitMessageRequest.Params, onDelta);
        return {
          messageId: `m${++n}`,
          message: '',
          style: [],
          files: 1,
          summarisedFiles: 0,
          model: 'chat-model',
          backend: 'local',
          timings: { modelMs: 1, totalMs: 2 },
          ...r,
        };
      },
    },
    outcomes: { report: (r) => reports.push(r) },
    monotonic: () => 0,
    info: (m) => infos.push(m),
    warn: (m) => warns.push(m),
  });
  return { w, reports, infos, warns, calls };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('writing a commit message', () => {
  it('streams the message into the input box from the staged diff with the recent subjects, then reports shown', async () => {
    const repo = new FakeRepo();
    const { w, reports, calls } = writer(async (_p, onDelta) => {
      onDelta('feat: b');
      onDelta(' instead of a');
      return { message: 'feat: b instead of a' };
    });
    assert.equal(await w.write(repo), 'written');
    assert.deepEqual(repo.diffs, [true]);
    assert.deepEqual(calls[0]!.recentSubjects, ['feat: one', 'fix: two']);
    assert.equal(calls[0]!.branch, 'main');
    assert.deepEqual(repo.values, ['', 'feat: b', 'feat: b instead of a', 'feat: b instead of a']);
    assert.deepEqual(
      reports.map((r) => [r.command, r.outcome, r.model]),
      [['commitMessage', 'shown', 'chat-model']],
    );
  });

  it('uses the working diff when nothing is staged, and says when there is nothing to describe', async () => {
    const unstaged = new FakeRepo(0, 2);
    const { w, infos } = writer(async () => ({ message: 'x' }));
    await w.write(unstaged);
    assert.deepEqual(unstaged.diffs, [false]);
    assert.equal(await w.write(new FakeRepo(0, 0)), 'nothing');
    assert.match(infos[0]!, /no changes to describe/);
  });

  it('refreshes the repository state first: a change staged a moment ago (not yet in the counts) is described', async () => {
    const repo = new FakeRepo(0, 0);
    repo.pendingStaged = 1;
    const { w, calls } = writer(async () => ({ message: 'feat: x' }));
    assert.equal(await w.write(repo), 'written');
    assert.equal(repo.refreshed, 1);
    assert.deepEqual(repo.diffs, [true]);
    assert.equal(calls[0]!.staged, true);
  });

  it('a commit with the message (lightly edited) is accepted; another message is rejected', async () => {
    const repo = new FakeRepo();
    const { w, reports } = writer(async () => ({ message: 'feat: greet by name\n\nGreetings use the name.' }));
    await w.write(repo);
    repo.commit('c2', 'feat: greet by name\n\nGreetings now use the name.');
    await flush();
    assert.deepEqual(
      reports.map((r) => r.outcome),
      ['shown', 'accepted'],
    );
    await w.write(repo);
    repo.commit('c3', 'wip');
    await flush();
    assert.deepEqual(
      reports.map((r) => r.outcome),
      ['shown', 'accepted', 'shown', 'rejected'],
    );
  });

  it('a new message before committing rejects the previous one', async () => {
    const repo = new FakeRepo();
    const { w, reports } = writer(async () => ({ message: 'feat: x' }));
    await w.write(repo);
    await w.write(repo);
    assert.deepEqual(
      reports.map((r) => [r.id, r.outcome]),
      [
        ['m1', 'shown'],
        ['m1', 'rejected'],
        ['m2', 'shown'],
      ],
    );
  });

  it('a failure puts back what the box held and says why', async () => {
    const repo = new FakeRepo();
    const { w, warns, reports } = writer(async () => {
      throw Object.assign(new Error('The chat-model model answered without a commit message.'), { code: 1102 });
    });
    assert.equal(await w.write(repo), 'failed');
    assert.equal(repo.value, 'draft');
    assert.match(warns[0]!, /answered without a commit message/);
    assert.deepEqual(reports, []);
  });

  it('measures how much of a message was kept', () => {
    assert.equal(keptShare('abc', 'abc'), 1);
    assert.ok(keptShare('feat: add x', 'feat: add x and y') > 0.5);
    assert.ok(keptShare('feat: add x', 'wip') < 0.5);
  });
});
