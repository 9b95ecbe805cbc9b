/**
 * One-click fixes for the doctor's findings. The doctor (daemon/router/doctor.ts) says
 * what to do in words; this reads the findings that have a mechanical fix:
 * - a model that is not pulled (`ollama pull <model>` in the fix) → pull it through
 *   tandemd on that backend;
 * - a backend that is unreachable or uses plain http to another host → open the
 *   setting holding its URL (for the backends the extension configures);
 * - credentials refused by the remote backend → set the remote token.
 * Pure; tested against the doctor's real output.
 */
import type { DoctorCheck, DoctorReport } from '../../protocol';

export type DoctorFix =
  | { kind: 'pull'; model: string; backend?: string; label: string }
  | { kind: 'openSetting'; setting: string; label: string }
  | { kind: 'setToken'; label: string };

/** Backend names the extension's settings create, and the setting holding each URL. */
export const backendSettings: Record<string, string> = { local: 'tandem.ollamaUrl', remote: 'tandem.remoteUrl' };

const PULL = /ollama pull ([A-Za-z0-9][A-Za-z0-9._:/-]*[A-Za-z0-9])/;

function needsAttention(c: DoctorCheck): boolean {
  return c.status !== 'ok';
}

export function doctorFixes(report: DoctorReport, settings: Record<string, string> = backendSettings): DoctorFix[] {
  const fixes: DoctorFix[] = [];
  const has = (f: DoctorFix) =>
    fixes.some((x) => {
      if (f.kind === 'pull') return x.kind === 'pull' && x.model === f.model && (f.backend === undefined || x.backend === f.backend);
      if (f.kind === 'openSetting') return x.kind === 'openSetting' && x.setting === f.setting;
      return x.kind === f.kind;
    });
  // Backend-specific findings first, so a generic "completions cannot work" adds nothing new.
  const checks = [...report.checks.filter((c) => c.backend !== undefined), ...report.checks.filter((c) => c.backend === undefined)].filter(
    needsAttention,
  );
  for (const c of checks) {
    const pull = PULL.exec(c.fix ?? '');
    if (pull && (c.id.startsWith('model.') || c.id === 'completions.work' || c.id === 'context.semantic')) {
      const fix: DoctorFix = {
        kind: 'pull',
        model: pull[1],
        ...(c.backend ? { backend: c.backend } : {}),
        label: `Pull ${pull[1]}${c.backend ? ` on ${c.backend}` : ''}`,
      };
      if (!has(fix)) fixes.push(fix);
      continue;
    }
    const setting = c.backend !== undefined ? settings[c.backend] : undefined;
    if (c.id === 'backend.reachable' && /refused the credentials/.test(c.fix ?? '') && c.backend === 'remote') {
      const fix: DoctorFix = { kind: 'setToken', label: 'Set the remote token' };
      if (!has(fix)) fixes.push(fix);
      continue;
    }
    if (setting && (c.id === 'backend.reachable' || c.id === 'backend.insecure-http')) {
      const fix: DoctorFix = { kind: 'openSetting', setting, label: `Open setting ${setting}` };
      if (!has(fix)) fixes.push(fix);
    }
  }
  return fixes;
}

/** The doctor report in Markdown with its one-click fixes listed under it. */
export function fixesMarkdown(fixes: DoctorFix[]): string {
  if (fixes.length === 0) return '';
  return [
    '',
    '## One-click fixes',
    '',
    'Offered in the notification of this check (or run the command again):',
    '',
    ...fixes.map((f) => `- ${f.label}`),
    '',
  ].join('\n');
}
