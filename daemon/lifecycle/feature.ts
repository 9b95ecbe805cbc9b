/**
 * The daemon's own protocol surface as a feature: the handshake, shutdown, settings,
 * status, the doctor and workspace roots, plus the daemon log forwarded as `tandem/log`
 * to the sessions that asked for status notifications.
 */
import {
  DoctorRequest,
  InitializeRequest,
  LogNotification,
  SettingsUpdateRequest,
  ShutdownRequest,
  StatusRequest,
  WorkspaceRegisterRequest,
  type DoctorReport,
} from '../../protocol';
import type { DaemonFeature, FeatureHost } from '../host/types';
import { redactorFor } from '../redact';
import { initialize } from './initialize';
import { updateSettings } from './settings';
import { registerWorkspace, releaseRoots } from './workspace';

export const lifecycleFeature: DaemonFeature = {
  name: 'lifecycle',
  capabilities: ['daemon', 'doctor', 'settings', 'status', 'workspace'],
  requests: [InitializeRequest, ShutdownRequest, SettingsUpdateRequest, StatusRequest, DoctorRequest, WorkspaceRegisterRequest],
  notifications: [LogNotification],
  register(host) {
    host.handle(InitializeRequest, (params, ctx) => initialize(host, params, ctx));
    host.handle(ShutdownRequest, () => shutdown(host));
    host.handle(SettingsUpdateRequest, (params, ctx) => updateSettings(host, params, ctx));
    host.handle(StatusRequest, () => host.daemon.status());
    host.handle(DoctorRequest, () => runDoctor(host));
    host.handle(WorkspaceRegisterRequest, (params, ctx) => registerWorkspace(host, params, ctx));
    const roots = host.daemon.onSessionClosed((session) => releaseRoots(host, session));
    const removeSink = host.logger.addSink((level, message, time) => host.broadcast(LogNotification, { level, message, time }));
    return {
      dispose() {
        removeSink();
        roots.dispose();
      },
    };
  },
};

/** `tandem/daemon/shutdown`: reply first, then stop. */
function shutdown(host: FeatureHost): ShutdownRequest.Result {
  setImmediate(() => void host.daemon.stop('shutdown request'));
  return { stopping: true };
}

/** `tandem/doctor/run`: the router's findings, plus a warning when retrieval is BM25-only; every text redacted. */
async function runDoctor(host: FeatureHost): Promise<DoctorReport> {
  const report = await host.router.doctor();
  const clean = redactorFor(host.config());
  const semantic = host.context.semanticStatus();
  if (!semantic.active) {
    report.checks.push({
      id: 'context.semantic',
      status: 'warn',
      title: 'Semantic retrieval is off; context comes from BM25 only',
      detail: semantic.reason,
      fix: `Pull the embed model: ollama pull ${host.config().tasks.embed.model}`,
    });
  }
  return {
    ...report,
    checks: report.checks.map((c) => ({
      ...c,
      title: clean(c.title),
      ...(c.detail !== undefined ? { detail: clean(c.detail) } : {}),
      ...(c.fix !== undefined ? { fix: clean(c.fix) } : {}),
    })),
  };
}
