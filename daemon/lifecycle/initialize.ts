/**
 * `initialize`: the handshake on every connection. Same protocol major or a
 * `ProtocolVersionMismatch` naming both versions; then the session is marked initialized
 * with the client's name and capabilities, and the result announces the daemon's
 * version, tasks and feature capabilities.
 */
import {
  ErrorCodes,
  PROTOCOL_VERSION,
  TandemError,
  TaskTypes,
  formatVersion,
  isCompatible,
  type InitializeRequest,
  type z,
} from '../../protocol';
import type { FeatureHost } from '../host/types';
import type { RequestContext } from '../server/rpc';
import { DAEMON_VERSION } from '../version';

export function initialize(
  host: FeatureHost,
  params: z.output<typeof InitializeRequest.params>,
  { session }: RequestContext,
): InitializeRequest.Result {
  if (!isCompatible(params.protocolVersion, PROTOCOL_VERSION)) {
    throw new TandemError(
      ErrorCodes.ProtocolVersionMismatch,
      `Protocol version mismatch: client ${params.client.name} ${params.client.version} speaks ${formatVersion(params.protocolVersion)}, tandemd ${DAEMON_VERSION} speaks ${formatVersion(PROTOCOL_VERSION)}.`,
      {
        hint: 'Update the Tandem extension and daemon together, then restart the daemon (`tandemd stop`); the extension starts the bundled one.',
        details: { client: params.protocolVersion, daemon: PROTOCOL_VERSION },
      },
    );
  }
  session.initialized = true;
  session.client = params.client;
  session.capabilities = params.capabilities;
  host.logger.info(`Client ${params.client.name} ${params.client.version} connected (${host.daemon.sessions().length} connected)`);
  return {
    protocolVersion: { ...PROTOCOL_VERSION },
    daemon: { name: 'tandemd', version: DAEMON_VERSION, pid: process.pid },
    sessionId: session.id,
    capabilities: { tasks: [...TaskTypes], features: host.daemon.capabilities() },
  };
}
