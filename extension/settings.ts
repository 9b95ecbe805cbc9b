/**
 * Tandem's VS Code settings, read through a narrow getter so this module stays pure,
 * and their translation into `tandem/settings/update` for the daemon.
 *
 * Settings are few on purpose; daemon tuning lives in `$TANDEM_HOME/config.json`.
 */
import type { SettingsUpdateRequest, TaskType } from '../protocol';
import { displayUrl } from '../shared/url';
import { isUiMode, type UiMode } from './ui/ui-mode';

export const SETTINGS_SECTION = 'tandem';

/** Reads one `tandem.*` setting (the key without the prefix). */
export type SettingGetter = <T>(key: string) => T | undefined;

/** True when the user set a `tandem.*` setting (the key without the prefix) rather than leaving its default. */
export type SettingIsSet = (key: string) => boolean;

/** The parts of VS Code's `WorkspaceConfiguration.inspect()` that say who set a value. */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Set by the user: a global (user or remote), workspace or folder value; the default alone is not. */
export function isUserSet(inspected: InspectedSetting | undefined): boolean {
  return (
    inspected !== undefined &&
    [inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue].some((v) => v !== undefined)
  );
}

export interface TandemSettings {
  /** Global switch (also overridable per language: `"[markdown]": {"tandem.enable": false}`). */
  enable: boolean;
  /** The local Ollama URL as VS Code shows it (the default when unset). */
  ollamaUrl: string;
  /**
   * True when the user set `tandem.ollamaUrl`; only then does it override the daemon's own
   * `local` backend (config.json, TANDEM_OLLAMA_URL, OLLAMA_HOST).
   */
  ollamaUrlSet: boolean;
  /** A second backend (a DGX or other GPU server), preferred over the local one when set. */
  remoteUrl: string;
  /** What the remote server speaks: Ollama's API, or an OpenAI-compatible one (vLLM, llama.cpp server, LM Studio). */
  remoteKind: 'ollama' | 'openai-compatible';
  models: Partial<Record<TaskType, string>>;
  uiMode: UiMode;
  nodePath: string;
}

export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

const taskKeys: TaskType[] = ['complete', 'chat', 'fix', 'edit', 'embed', 'nextEdit', 'agent'];

/**
 * The settings through `get`; `isSet` tells a user's value from a default (VS Code's
 * `get` returns the default for both). Without it, a key counts as set when `get` has a
 * value for it, which suits a getter that knows only user values.
 */
export function readSettings(get: SettingGetter, isSet: SettingIsSet = (key) => get(key) !== undefined): TandemSettings {
  const mode = get<string>('uiMode');
  const rawModels = get<Record<string, unknown>>('models') ?? {};
  const models: Partial<Record<TaskType, string>> = {};
  for (const task of taskKeys) {
    const value = rawModels[task];
    if (typeof value === 'string' && value.trim() !== '') models[task] = value.trim();
  }
  return {
    enable: get<boolean>('enable') ?? true,
    ollamaUrl: (get<string>('ollamaUrl') ?? DEFAULT_OLLAMA_URL).trim() || DEFAULT_OLLAMA_URL,
    ollamaUrlSet: isSet('ollamaUrl') && (get<string>('ollamaUrl') ?? '').trim() !== '',
    remoteUrl: (get<string>('remoteUrl') ?? '').trim(),
    remoteKind: get<string>('remoteKind') === 'openai-compatible' ? 'openai-compatible' : 'ollama',
    models,
    uiMode: isUiMode(mode) ? mode : 'simple',
    nodePath: (get<string>('daemon.nodePath') ?? '').trim(),
  };
}

function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The overlay sent to the daemon on every (re)connect and settings change: the local
 * Ollama (`local`, priority 10) only when the user set `tandem.ollamaUrl` (a default
 * never replaces the URL the daemon's config or environment gave), and, when set, the
 * remote one (`remote`, priority 0 so it is preferred while healthy). `remoteHeaders`
 * carries a token from SecretStorage.
 */
export function settingsUpdateParams(s: TandemSettings, remoteHeaders?: Record<string, string>): SettingsUpdateRequest.Params {
  const backends: NonNullable<SettingsUpdateRequest.Params['backends']> = [];
  // A malformed URL is left out (and reported by the settings watcher) rather than
  // making the daemon refuse the whole overlay.
  if (s.ollamaUrlSet && validateUrlSetting('ollamaUrl', s.ollamaUrl) === undefined) {
    backends.push({ name: 'local', url: normalizeUrl(s.ollamaUrl), kind: 'ollama', priority: 10 });
  }
  if (s.remoteUrl !== '' && validateUrlSetting('remoteUrl', s.remoteUrl) === undefined) {
    backends.push({
      name: 'remote',
      url: normalizeUrl(s.remoteUrl),
      kind: s.remoteKind,
      priority: 0,
      ...(remoteHeaders && Object.keys(remoteHeaders).length > 0 ? { headers: remoteHeaders } : {}),
    });
  }
  return backends.length > 0 ? { backends, models: { ...s.models } } : { models: { ...s.models } };
}

/** Checks a URL setting; returns a sentence for the user, or undefined when fine. */
export function validateUrlSetting(key: string, value: string): string | undefined {
  if (value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `tandem.${key} must be an http(s) URL, got "${displayUrl(value)}".`;
    return undefined;
  } catch {
    return `tandem.${key} is not a valid URL: "${displayUrl(value)}".`;
  }
}
