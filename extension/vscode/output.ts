/**
 * The "Tandem" log output channel: the extension's own lines and the daemon's
 * `tandem/log` notifications (prefixed `[daemon]`).
 */
import * as vscode from 'vscode';
import type { LogNotification } from '../../protocol';
import type { Logger } from '../log';

export function createOutput(context: vscode.ExtensionContext): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('Tandem', { log: true });
  context.subscriptions.push(channel);
  const logger: Logger = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, logger };
}

export function logDaemonLine(channel: vscode.LogOutputChannel, line: LogNotification.Params): void {
  const message = `[daemon] ${line.message}`;
  switch (line.level) {
    case 'debug':
      channel.debug(message);
      break;
    case 'info':
      channel.info(message);
      break;
    case 'warn':
      channel.warn(message);
      break;
    case 'error':
      channel.error(message);
      break;
  }
}
