/**
 * A small leveled logger. Lines go to stderr (and the daemon log file when serving)
 * and to subscribers (connected clients' output channels). Secrets never reach it:
 * callers log backend names and URLs, never headers.
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

  constructor(public level: LogLevel = 'info') {}

  addSink(sink: LogSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  private emit(level: LogLevel, message: string): void {
    if (order[level] < order[this.level]) return;
    const time = Date.now();
    for (const sink of this.sinks) {
      try {
        sink(level, message, time);
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
