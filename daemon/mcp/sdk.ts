/**
 * The MCP TypeScript SDK's client parts. The package is an ES module with a CommonJS
 * build next to it and one set of (ES module) types, so the daemon (CommonJS) loads the
 * CommonJS build through `require` and takes the types in `import` resolution mode.
 */
import type { Client as ClientClass } from '@modelcontextprotocol/sdk/client/index.js' with { 'resolution-mode': 'import' };
import type {
  StdioClientTransport as StdioClass,
  getDefaultEnvironment as GetDefaultEnvironment,
} from '@modelcontextprotocol/sdk/client/stdio.js' with { 'resolution-mode': 'import' };
import type { StreamableHTTPClientTransport as HttpClass } from '@modelcontextprotocol/sdk/client/streamableHttp.js' with {
  'resolution-mode': 'import',
};

/* eslint-disable @typescript-eslint/no-require-imports */
export const Client = (require('@modelcontextprotocol/sdk/client/index.js') as { Client: typeof ClientClass }).Client;
const stdio = require('@modelcontextprotocol/sdk/client/stdio.js') as {
  StdioClientTransport: typeof StdioClass;
  getDefaultEnvironment: typeof GetDefaultEnvironment;
};
export const StdioClientTransport = stdio.StdioClientTransport;
export const getDefaultEnvironment = stdio.getDefaultEnvironment;
export const StreamableHTTPClientTransport = (
  require('@modelcontextprotocol/sdk/client/streamableHttp.js') as { StreamableHTTPClientTransport: typeof HttpClass }
).StreamableHTTPClientTransport;
/* eslint-enable @typescript-eslint/no-require-imports */

export type Client = ClientClass;
