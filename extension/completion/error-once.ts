/**
 * "Show an error once, not per keystroke": remembers which error kinds were already
 * reported and lets a kind through again only after a success (the problem went away
 * and came back). Cancellations are never errors and never reach it.
 */
export class ErrorOnce {
  private readonly reported = new Set<string>();

  /** True when `kind` should be shown now. */
  shouldReport(kind: string): boolean {
    if (this.reported.has(kind)) return false;
    this.reported.add(kind);
    return true;
  }

  /** A request succeeded: future errors are news again. */
  reset(): void {
    this.reported.clear();
  }
}
