/**
 * The logger the extension's pure modules write to. In VS Code it is backed by the
 * Tandem LogOutputChannel; tests pass a recording fake.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const nullLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
