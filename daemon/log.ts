/**
 * A small leveled logger. Lines go to stderr (and the daemon log file when serving)
 * and to subscribers (connected clients' output channels). Callers log backend names
 * and URLs, never headers; and every line passes the daemon's redaction first
 * (`redactWith`: URLs in display form, no backend credential in any form), so a secret
 * echoed in an error message cannot reach a sink either.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export type LogSink = (level: LogLevel, message: string, time: number) => void;

export class DaemonLogger implements Logger {
  private readonly sinks = new Set<LogSink>();
  private redactLine: (message: string) => string = (message) => message;

  constructor(public level: LogLevel = 'info') {}

  /** Pass every line through `redact` before any sink sees it. */
  redactWith(redact: (message: string) => string): void {
    this.redactLine = redact;
  }

  addSink(sink: LogSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  private emit(level: LogLevel, message: string): void {
    if (order[level] < order[this.level]) return;
    const time = Date.now();
    let line: string;
    try {
      line = this.redactLine(message);
    } catch (err) {
      // Fail closed: a line that could not be redacted is withheld, not written as it was.
      line = `(a ${level} line was withheld: redacting it failed: ${(err as Error).message})`;
    }
    for (const sink of this.sinks) {
      try {
        sink(level, line, time);
      } catch {
        // A broken sink (closed socket) must not break logging for the others.
      }
    }
  }

  debug(msg: string): void {
    this.emit('debug', msg);
  }
  info(msg: string): void {
    this.emit('info', msg);
  }
  warn(msg: string): void {
    this.emit('warn', msg);
  }
  error(msg: string): void {
    this.emit('error', msg);
  }
}

/** A sink writing `time level message` lines to a stream. */
export function streamSink(write: (line: string) => void): LogSink {
  return (level, message, time) => write(`${new Date(time).toISOString()} ${level.padEnd(5)} ${message}\n`);
}

export const nullLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
