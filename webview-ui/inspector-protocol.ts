/**
 * Messages between the "Why this suggestion?" webview and the extension host.
 * A typed union each way; no `any` crosses the boundary.
 */
import type { ContextDiagnostics } from '../protocol/messages/context';

export interface InspectedSuggestion {
  completionId: string;
  model: string;
  backend: string;
  languageId: string;
  path: string;
  text: string;
  source: 'network' | 'cache' | 'typing-through';
  timings: { contextMs: number; firstTokenMs: number; totalMs: number };
  overheadMs: number;
}

export interface InspectorState {
  /** Expert mode shows retriever timings and token budgets in full. */
  expert: boolean;
  suggestion?: InspectedSuggestion;
  diagnostics?: ContextDiagnostics;
  /** Why diagnostics are missing (expired id, daemon without a context engine, …). */
  error?: string;
}

/** Host → webview. */
export type HostToInspector = { type: 'state'; state: InspectorState };

/** Webview → host. */
export type InspectorToHost = { type: 'ready' } | { type: 'refresh' } | { type: 'openFile'; root?: string; file: string; line: number };

export function isInspectorToHost(value: unknown): value is InspectorToHost {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.type === 'ready' || v.type === 'refresh') return true;
  return (
    v.type === 'openFile' &&
    typeof v.file === 'string' &&
    typeof v.line === 'number' &&
    (v.root === undefined || typeof v.root === 'string')
  );
}
