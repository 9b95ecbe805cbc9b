/**
 * The one typed contract between the extension, the daemon and the webviews.
 * See docs/protocol.md for the rendered list of messages.
 */
export * from './version';
export * from './errors';
export * from './define';
export * from './messages/base';
export * from './messages/completion';
export * from './messages/workspace';
export * from './messages/telemetry';
export * from './messages/edit';
export * from './messages/chat';
export * from './messages/context';
export * from './messages/ops';
export * from './messages/agent';
export * from './messages/memory';
export * from './messages/mcp';
export * from './messages/commands';
export * from './messages/next-edit';
