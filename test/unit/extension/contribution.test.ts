import { strict as assert } from 'node:assert';
import { ContributionSet, type Contribution, type Disposable } from '../../../extension/contribution';

interface Host {
  events: string[];
}

function contribution(name: string, dispose: (host: Host) => unknown = (host) => host.events.push(`dispose ${name}`)): Contribution<Host> {
  return {
    name,
    activate(host) {
      host.events.push(`activate ${name}`);
      return { dispose: () => dispose(host) };
    },
  };
}

describe('extension contributions', () => {
  const errors: string[] = [];
  const log = { error: (m: string) => void errors.push(m) };
  beforeEach(() => (errors.length = 0));

  it('activates in list order and hands each disposable to the subscriptions at once', async () => {
    const host: Host = { events: [] };
    const subscriptions: Disposable[] = [];
    const later: Contribution<Host> = {
      name: 'later',
      activate: async (h) => {
        h.events.push(`subscriptions before later: ${subscriptions.length}`);
        await Promise.resolve();
        return { dispose: () => h.events.push('dispose later') };
      },
    };
    await new ContributionSet(log).activate([contribution('a'), contribution('b'), later], host, subscriptions);
    assert.deepEqual(host.events, ['activate a', 'activate b', 'subscriptions before later: 2']);
    assert.equal(subscriptions.length, 3);
  });

  it('disposes the last activated first, awaiting an async disposal before the next', async () => {
    const host: Host = { events: [] };
    const set = new ContributionSet(log);
    const slow = contribution('slow', async (h) => {
      h.events.push('slow: flushing');
      await new Promise((resolve) => setTimeout(resolve, 5));
      h.events.push('slow: flushed');
    });
    await set.activate([contribution('first'), slow, contribution('last')], host, []);
    host.events.length = 0;
    await set.shutdown();
    assert.deepEqual(host.events, ['dispose last', 'slow: flushing', 'slow: flushed', 'dispose first']);
  });

  it('disposes each contribution once, whether shutdown or the subscriptions come first', async () => {
    const host: Host = { events: [] };
    const subscriptions: Disposable[] = [];
    const set = new ContributionSet(log);
    await set.activate([contribution('a'), contribution('b')], host, subscriptions);
    host.events.length = 0;
    for (const s of subscriptions) s.dispose();
    await set.shutdown();
    await set.shutdown();
    for (const s of subscriptions) s.dispose();
    assert.deepEqual(host.events, ['dispose a', 'dispose b']);
  });

  it('names a contribution that fails to activate and lets the error through', async () => {
    const host: Host = { events: [] };
    const subscriptions: Disposable[] = [];
    const broken: Contribution<Host> = {
      name: 'broken',
      activate: () => {
        throw new Error('no view');
      },
    };
    const set = new ContributionSet(log);
    await assert.rejects(set.activate([contribution('a'), broken, contribution('never')], host, subscriptions), /no view/);
    assert.deepEqual(errors, ['broken failed to activate: no view']);
    assert.deepEqual(host.events, ['activate a']);
    assert.equal(subscriptions.length, 1, 'what was activated is still disposed with the extension');
    await set.shutdown();
    assert.deepEqual(host.events, ['activate a', 'dispose a']);
  });

  it('logs a failing disposal and still disposes the others', async () => {
    const host: Host = { events: [] };
    const set = new ContributionSet(log);
    const failing = contribution('failing', async () => {
      await Promise.resolve();
      throw new Error('flush failed');
    });
    await set.activate([contribution('a'), failing, contribution('b')], host, []);
    host.events.length = 0;
    await set.shutdown();
    assert.deepEqual(host.events, ['dispose b', 'dispose a']);
    assert.deepEqual(errors, ['failing failed to dispose: flush failed']);
  });
});
