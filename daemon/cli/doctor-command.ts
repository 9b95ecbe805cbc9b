import { TandemError, type DoctorCheck, type DoctorReport } from '../../protocol';
import { configPath, loadConfig } from '../config';
import { nullLogger } from '../log';
import { Metrics } from '../metrics';
import { createRouter } from '../parts';
import { openUserDb } from '../storage/db';
import { currentRuntimeFacts, diagnoseNativeLoad } from '../storage/native-load';
import { findDaemon } from '../../protocol/lockfile';
import type { CliCommand } from './command';

/** The storage check's finding: a native module that does not load is named as such, never as a folder to make writable. */
export function storageFailure(err: unknown, home: string): DoctorCheck {
  const native = diagnoseNativeLoad(err, currentRuntimeFacts());
  if (native)
    return { id: 'storage.open', status: 'error', title: "SQLite's native module does not load", detail: native.cause, fix: native.fix };
  const hint = err instanceof TandemError ? err.hint : undefined;
  return {
    id: 'storage.open',
    status: 'error',
    title: 'Storage cannot be opened',
    detail: (err as Error).message,
    fix: hint ?? `Make ${home} writable or set TANDEM_HOME to a writable folder.`,
  };
}

const mark: Record<DoctorCheck['status'], string> = { ok: '✓', warn: '!', error: '✗' };

export function formatDoctor(report: DoctorReport): string {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${mark[c.status]} ${c.backend ? `[${c.backend}] ` : ''}${c.title}`);
    if (c.detail) lines.push(`    ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`    fix: ${c.fix}`);
  }
  lines.push(
    '',
    report.completionsWork
      ? 'Inline completions can work with this configuration.'
      : 'Inline completions cannot work until the errors above are fixed.',
  );
  return lines.join('\n') + '\n';
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check backends, models, FIM support and storage; print a fix for each problem.',
  usage: 'tandemd doctor [--json]',
  options: { json: { type: 'boolean' } },
  async run({ values }, io) {
    const config = loadConfig(io.env);
    const router = createRouter(config, new Metrics(), nullLogger);
    let report: DoctorReport;
    try {
      report = await router.doctor();
    } finally {
      router.dispose();
    }
    const checks: DoctorCheck[] = [{ id: 'config.file', status: 'ok', title: `Configuration: ${configPath(config.home)}` }];
    try {
      openUserDb(config.home).close();
      checks.push({ id: 'storage.open', status: 'ok', title: `Storage is writable (${config.home})` });
    } catch (err) {
      checks.push(storageFailure(err, config.home));
    }
    const found = await findDaemon(config.home);
    checks.push(
      found?.state === 'live' || found?.state === 'starting'
        ? { id: 'daemon.running', status: 'ok', title: `Daemon running (pid ${found.lock.pid}, port ${found.lock.port})` }
        : found?.state === 'unresponsive'
          ? {
              id: 'daemon.running',
              status: 'warn',
              title: `Daemon (pid ${found.lock.pid}) holds the lock but is not answering: ${found.reason}`,
            }
          : found?.state === 'stale'
            ? {
                id: 'daemon.running',
                status: 'ok',
                title: `Daemon not running; stale lock (${found.reason}), taken over at the next start`,
              }
            : { id: 'daemon.running', status: 'ok', title: 'Daemon not running (the extension starts it on demand)' },
    );
    const full: DoctorReport = { completionsWork: report.completionsWork, checks: [...checks, ...report.checks] };
    io.stdout(values.json ? `${JSON.stringify(full, null, 2)}\n` : formatDoctor(full));
    return full.completionsWork ? 0 : 1;
  },
};
