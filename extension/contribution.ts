/**
 * The extension's one way to plug a feature in, mirroring the daemon's features: a
 * feature is a folder under extension/ exporting one `Contribution`, and main.ts
 * activates every contribution from one list. The host type (what a feature is given)
 * is in host.ts; this file is the activation order and the disposal in reverse, pure
 * (no vscode import) so it is tested in plain Node.
 */

export interface Disposable {
  /** May return a promise (a feature that flushes on the way out); shutdown awaits it. */
  dispose(): unknown;
}

export interface Contribution<Host> {
  /** Names the feature in logs. */
  readonly name: string;
  /** Registers the feature's providers, commands and listeners; the disposable undoes all of it. */
  activate(host: Host): Disposable | Promise<Disposable>;
}

export interface ContributionLog {
  error(message: string): void;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** A disposable that disposes its target once; later calls return the first call's result. */
function once(target: Disposable): Disposable {
  let disposed: { result: unknown } | undefined;
  return { dispose: () => (disposed ??= { result: target.dispose() }).result };
}

/** The activated contributions of one extension host, disposed last first on shutdown. */
export class ContributionSet {
  private readonly active: Array<{ name: string; disposable: Disposable }> = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: ContributionLog) {}

  /**
   * Activates each contribution in list order and pushes its disposable to
   * `subscriptions` (the extension context's) as soon as it exists. A contribution that
   * throws is logged by name and the error propagates, as a failing activation did
   * before features were contributions.
   */
  async activate<Host>(
    contributions: readonly Contribution<Host>[],
    host: Host,
    subscriptions: { push(d: Disposable): unknown },
  ): Promise<void> {
    for (const contribution of contributions) {
      let disposable: Disposable;
      try {
        disposable = once(await contribution.activate(host));
      } catch (err) {
        this.log.error(`${contribution.name} failed to activate: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
      this.active.push({ name: contribution.name, disposable });
      subscriptions.push(disposable);
    }
  }

  /**
   * Disposes every activated contribution, the last activated first, awaiting the ones
   * that return a promise; a failing disposal is logged and the others still run.
   * Idempotent: a second call returns the first call's promise.
   */
  shutdown(): Promise<void> {
    return (this.stopping ??= this.disposeAll());
  }

  private async disposeAll(): Promise<void> {
    for (const { name, disposable } of this.active.splice(0).reverse()) {
      try {
        const result = disposable.dispose();
        if (isPromiseLike(result)) await result;
      } catch (err) {
        this.log.error(`${name} failed to dispose: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
