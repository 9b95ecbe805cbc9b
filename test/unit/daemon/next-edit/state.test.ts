/**
 * The next-edit model's preload: started from the status the router already has (the first
 * probe can answer before the feature subscribes, and status changes are told once), and
 * tried again at the next status change when a load failed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendStatus, TaskType } from '../../../../protocol';
import { loadConfig, type TandemConfig } from '../../../../daemon/config';
import type { FeatureHost } from '../../../../daemon/host/types';
import { DaemonLogger } from '../../../../daemon/log';
import { Metrics } from '../../../../daemon/metrics';
import { createNextEditState, type NextEditState } from '../../../../daemon/next-edit/state';
import { FakeRouter } from '../host/helpers';

class WarmingRouter extends FakeRouter {
  current: BackendStatus[] = [];
  warms: TaskType[] = [];
  answers: Array<string | undefined> = [];
  private readonly told = new Set<(s: BackendStatus[]) => void>();
  override status(): BackendStatus[] {
    return this.current;
  }
  override onStatusChange(listener: (s: BackendStatus[]) => void): () => void {
    this.told.add(listener);
    return () => this.told.delete(listener);
  }
  change(status: BackendStatus[]): void {
    this.current = status;
    for (const l of this.told) l(status);
  }
  async warm(task: TaskType): Promise<string | undefined> {
    this.warms.push(task);
    return this.answers.shift();
  }
}

const settle = () => new Promise((r) => setImmediate(r));

describe('next-edit: preloading its model', () => {
  let home: string;
  let config: TandemConfig;
  let router: WarmingRouter;
  let state: NextEditState | undefined;
  before(() => (home = mkdtempSync(join(tmpdir(), 'tandem-next-edit-state-'))));
  after(() => rmSync(home, { recursive: true, force: true }));
  beforeEach(() => {
    config = loadConfig({ TANDEM_HOME: home });
    router = new WarmingRouter();
  });
  afterEach(() => state?.dispose());

  const up = (models: string[]) => [{ name: 'local', health: 'up', models } as unknown as BackendStatus];
  const create = () =>
    (state = createNextEditState({
      router,
      config: () => config,
      logger: new DaemonLogger('error'),
      metrics: new Metrics(),
    } as unknown as FeatureHost));

  it('loads the model when the backend already listed it before the feature started', async () => {
    router.current = up([config.tasks.nextEdit.model]);
    router.answers = ['local'];
    create();
    await settle();
    assert.deepEqual(router.warms, ['nextEdit']);
    router.change(up([config.tasks.nextEdit.model]));
    await settle();
    assert.deepEqual(router.warms, ['nextEdit'], 'loaded once, not at every status change');
  });

  it('waits for a backend that lists the model, and tries again after a failed load', async () => {
    create();
    router.change(up(['some-other-model']));
    await settle();
    assert.deepEqual(router.warms, []);
    router.answers = [undefined, 'local'];
    router.change(up([config.tasks.nextEdit.model]));
    await settle();
    assert.deepEqual(router.warms, ['nextEdit']);
    router.change(up([config.tasks.nextEdit.model]));
    await settle();
    assert.deepEqual(router.warms, ['nextEdit', 'nextEdit']);
  });
});
