/**
 * The doctor's diagnosis (pure): from what the router learned by probing each backend,
 * a list of findings, each problem with a concrete fix, and whether inline completions
 * can work at all. `Router.doctor()` gathers the input and calls `diagnose`.
 */
import type { BackendKind, DoctorCheck, DoctorReport, TaskType } from '../../protocol';
import { TaskTypes, ErrorCodes } from '../../protocol';
import type { TaskConfig } from '../config';
import { sameModel, type LoadedEntry, type ModelEntry } from './backend';
import { displayUrl, isLoopback } from '../../shared/url';
import { nextEditCheck, nextEditResidency } from './doctor-next-edit';
import { remoteHint } from './errors';
import { detectFimFamily, fimFormats, looksInstruct, planFim, type ModelTraits } from './fim';

export interface DoctorBackendInput {
  name: string;
  url: string;
  kind: BackendKind;
  enabled: boolean;
  reachable: boolean;
  /** Why the probe failed (message names the cause: connection refused, DNS, TLS, HTTP status). */
  error?: { message: string; hint?: string; httpStatus?: number; code?: number };
  version?: string;
  models?: ModelEntry[];
  loaded?: LoadedEntry[];
  /** `/api/show` of the task models that are present, by configured model name. */
  traits: Record<string, ModelTraits | undefined>;
  /** How long ago (ms) each model last served a call on this backend. */
  usedAgoMs: Record<string, number>;
}

export interface DoctorInput {
  backends: DoctorBackendInput[];
  tasks: Record<TaskType, TaskConfig>;
  /** config.json `nextEdit.format` (`auto`: told from the model's name). */
  nextEditFormat?: string;
}

/** Oldest Ollama with `/api/embed`, `suffix` and `/api/ps` as used here. */
const MIN_OLLAMA = '0.3.0';
/** Two models both used this recently should both be resident. */
const RECENT_MS = 10 * 60_000;
const BASE_MODEL = 'qwen2.5-coder:1.5b-base';

export function diagnose(input: DoctorInput): DoctorReport {
  const checks: DoctorCheck[] = [];
  const enabled = input.backends.filter((b) => b.enabled);
  if (enabled.length === 0) {
    checks.push({
      id: 'backends.none',
      status: 'error',
      title: 'No backend is enabled',
      fix: 'Add a backend to "backends" in $TANDEM_HOME/config.json or the Tandem settings, or set TANDEM_OLLAMA_URL=http://127.0.0.1:11434.',
    });
    return { completionsWork: false, checks };
  }

  // Tasks grouped by model, so chat/fix/edit sharing one model give one finding.
  const byModel = new Map<string, TaskType[]>();
  for (const task of TaskTypes) {
    const model = input.tasks[task].model;
    const key = [...byModel.keys()].find((m) => sameModel(m, model)) ?? model;
    byModel.set(key, [...(byModel.get(key) ?? []), task]);
  }
  const reachable = enabled.filter((b) => b.reachable);
  const has = (b: DoctorBackendInput, model: string) => (b.models ?? []).some((m) => sameModel(m.name, model));
  /** Single-model OpenAI-compatible servers (llama.cpp) answer whatever model name is asked. */
  const serves = (b: DoctorBackendInput, model: string) =>
    has(b, model) || (b.kind === 'openai-compatible' && (b.models ?? []).length === 1);

  for (const b of enabled) {
    const host = hostOf(b.url);
    if (b.url.startsWith('http://') && !isLoopback(host)) {
      checks.push({
        id: 'backend.insecure-http',
        backend: b.name,
        status: 'warn',
        title: `Code is sent unencrypted to ${host}`,
        detail: `${displayUrl(b.url)} uses plain http to a host that is not this machine; prompts contain your source code.`,
        fix: `Put the server behind https (a TLS reverse proxy), or tunnel it: \`ssh -N -L 11434:127.0.0.1:11434 ${host}\` and set the URL to http://127.0.0.1:11434.`,
      });
    }

    if (!b.reachable) {
      checks.push(unreachable(b));
      continue;
    }
    checks.push({
      id: 'backend.reachable',
      backend: b.name,
      status: 'ok',
      title: `${b.name} is reachable at ${displayUrl(b.url)}${b.version ? ` (Ollama ${b.version})` : b.kind === 'openai-compatible' ? ' (OpenAI-compatible)' : ''}`,
    });
    if (b.kind === 'ollama' && b.version && compareVersions(b.version, MIN_OLLAMA) < 0) {
      checks.push({
        id: 'backend.version',
        backend: b.name,
        status: 'warn',
        title: `Ollama ${b.version} is older than ${MIN_OLLAMA}`,
        detail: 'Older servers lack /api/embed and native fill-in-the-middle (suffix).',
        fix: `Update Ollama on ${host} (https://ollama.com/download).`,
      });
    }

    for (const [model, tasks] of byModel) {
      const present = serves(b, model);
      const label = tasks.join(', ');
      const id = `model.${tasks.join('+')}.pulled`;
      if (present) {
        checks.push({ id, backend: b.name, status: 'ok', title: `${model} (${label}) is available on ${b.name}` });
        continue;
      }
      const elsewhere = reachable.some((o) => o !== b && serves(o, model));
      const embedOnly = tasks.length === 1 && tasks[0] === 'embed';
      const nextEditOnly = tasks.length === 1 && tasks[0] === 'nextEdit';
      checks.push({
        id,
        backend: b.name,
        status: embedOnly || nextEditOnly || elsewhere ? 'warn' : 'error',
        title: `${model} (${label}) is not ${b.kind === 'ollama' ? 'pulled' : 'served'} on ${b.name}`,
        detail: embedOnly
          ? 'Without an embedding model, retrieval runs BM25-only (no semantic search).'
          : nextEditOnly && !elsewhere
            ? 'Next-edit suggestions are off until the model is available; inline completions are not affected.'
            : elsewhere
              ? 'Another backend has it, so calls fail over there; this backend cannot take over if that one goes down.'
              : `${label} calls cannot work until the model is available.`,
        fix:
          b.kind === 'ollama'
            ? `Run \`ollama pull ${model}\` on ${host}.`
            : `Serve ${model} on ${displayUrl(b.url)}, or set the ${label} model to one it lists: ${
                (b.models ?? [])
                  .map((m) => m.name)
                  .slice(0, 5)
                  .join(', ') || '(none listed)'
              }.`,
      });
    }

    const completeModel = input.tasks.complete.model;
    if (serves(b, completeModel)) checks.push(fimCheck(b, completeModel));
    const nextEditModel = input.tasks.nextEdit.model;
    if (serves(b, nextEditModel))
      checks.push(nextEditCheck(b.name, nextEditModel, b.traits[nextEditModel], input.nextEditFormat ?? 'auto'));

    const embedModel = input.tasks.embed.model;
    const embedTraits = b.traits[embedModel];
    if (b.kind === 'ollama' && has(b, embedModel) && embedTraits?.capabilities && !embedTraits.capabilities.includes('embedding')) {
      checks.push({
        id: 'model.embed.capability',
        backend: b.name,
        status: 'warn',
        title: `${embedModel} is not an embedding model`,
        detail: 'Its /api/show capabilities do not include "embedding"; retrieval may fall back to BM25-only.',
        fix: 'Set the embed model to nomic-embed-text (`ollama pull nomic-embed-text`).',
      });
    }

    const agentCheck = b.kind === 'ollama' && has(b, input.tasks.agent.model) ? toolsCheck(b, input.tasks.agent.model) : undefined;
    if (agentCheck) checks.push(agentCheck);

    if (b.kind === 'ollama' && b.loaded) checks.push(...loadedChecks(b, input.tasks));
  }

  const completeModel = input.tasks.complete.model;
  const completionsWork = reachable.some((b) => serves(b, completeModel));
  if (!completionsWork) {
    const anyReachable = reachable.length > 0;
    checks.push({
      id: 'completions.work',
      status: 'error',
      title: 'Inline completions cannot work',
      detail: anyReachable ? `No reachable backend has the completion model ${completeModel}.` : 'No enabled backend is reachable.',
      fix: anyReachable
        ? `Run \`ollama pull ${completeModel}\` on ${hostOf(reachable[0].url)}, or set the completion model to one the backend has.`
        : `Start Ollama (\`ollama serve\`) or fix the backend URLs. ${remoteHint}`,
    });
  }
  return { completionsWork, checks };
}

function unreachable(b: DoctorBackendInput): DoctorCheck {
  const status = b.error?.httpStatus;
  let fix = b.error?.hint ?? `Check that ${displayUrl(b.url)} is reachable from the machine running tandemd. ${remoteHint}`;
  if (status === 404) {
    fix =
      b.kind === 'ollama'
        ? `${displayUrl(b.url)} does not answer Ollama's API. If it is vLLM, llama.cpp or LM Studio, set "kind": "openai-compatible" for backend ${b.name}; otherwise fix the URL (no path after the port for Ollama).`
        : `${displayUrl(b.url)} has no /v1/models. If it is an Ollama server, set "kind": "ollama"; otherwise fix the URL.`;
  } else if (status === 401 || status === 403) {
    fix = `The server refused the credentials: set the right Authorization header in "headers" of backend ${b.name} (the Tandem settings keep it in SecretStorage).`;
  } else if (b.error?.code === ErrorCodes.UpstreamTimeout) {
    fix = `${displayUrl(b.url)} did not answer in time: check the server is up and not overloaded, or raise router.probeTimeoutMs. ${remoteHint}`;
  }
  return {
    id: 'backend.reachable',
    backend: b.name,
    status: 'error',
    title: `${b.name} is not reachable at ${displayUrl(b.url)}`,
    detail: b.error?.message,
    fix,
  };
}

function fimCheck(b: DoctorBackendInput, model: string): DoctorCheck {
  const base = { id: 'model.complete.fim', backend: b.name };
  const betterFix = `Set the completion model to a base code model such as ${BASE_MODEL} (\`ollama pull ${BASE_MODEL}\`).`;
  if (b.kind === 'openai-compatible') {
    const family = detectFimFamily(model);
    if (looksInstruct(model))
      return {
        ...base,
        status: 'warn',
        title: `${model} is an instruct/chat model`,
        detail: 'Instruct models answer like a chat instead of completing code.',
        fix: betterFix,
      };
    if (!family) {
      return {
        ...base,
        status: 'warn',
        title: `Cannot tell whether ${model} supports fill-in-the-middle`,
        detail: 'Completions go to /v1/completions with `suffix`; the server must support it.',
        fix: betterFix,
      };
    }
    return {
      ...base,
      status: 'ok',
      title: `${model} (${fimFormats[family].label}) gets fill-in-the-middle through /v1/completions with suffix`,
    };
  }
  const traits = b.traits[model];
  if (!traits)
    return {
      ...base,
      status: 'warn',
      title: `Could not read /api/show for ${model}`,
      fix: `Check \`ollama show ${model}\` on ${hostOf(b.url)}.`,
    };
  const plan = planFim(model, traits, '', '');
  if (plan.mode === 'prefix-only') {
    return { ...base, status: 'warn', title: `${model} does not support fill-in-the-middle`, detail: plan.warning, fix: betterFix };
  }
  if (plan.warning) return { ...base, status: 'warn', title: `${model} is an instruct/chat model`, detail: plan.warning, fix: betterFix };
  return {
    ...base,
    status: 'ok',
    title:
      plan.mode === 'native'
        ? `${model} supports fill-in-the-middle natively (template handles suffix)`
        : `${model} gets fill-in-the-middle through raw ${fimFormats[plan.family!].label} FIM tokens`,
  };
}

function loadedChecks(b: DoctorBackendInput, tasks: Record<TaskType, TaskConfig>): DoctorCheck[] {
  const out: DoctorCheck[] = [];
  const loaded = b.loaded ?? [];
  const isLoaded = (model: string) => loaded.some((l) => sameModel(l.name, model));
  out.push({
    id: 'backend.loaded',
    backend: b.name,
    status: 'ok',
    title: loaded.length > 0 ? `Loaded on ${b.name}: ${loaded.map((l) => l.name).join(', ')}` : `No model is loaded on ${b.name}`,
    detail: isLoaded(tasks.complete.model)
      ? undefined
      : `The first completion waits for ${tasks.complete.model} to load; keep_alive (${String(tasks.complete.keep_alive)}) keeps it loaded afterwards.`,
  });
  for (const l of loaded) {
    const wanted = TaskTypes.some((t) => sameModel(tasks[t].model, l.name));
    if (!wanted || l.sizeBytes === undefined || l.sizeVramBytes === undefined || l.sizeVramBytes >= l.sizeBytes) continue;
    const cpuShare = Math.round((1 - l.sizeVramBytes / l.sizeBytes) * 100);
    out.push({
      id: 'backend.loaded.cpu',
      backend: b.name,
      status: 'warn',
      title: `${l.name} runs ${cpuShare}% on the CPU`,
      detail: 'It does not fit in GPU memory, so generation is much slower.',
      fix: `Use a smaller model or quantization, lower num_ctx, or free GPU memory on ${hostOf(b.url)}.`,
    });
  }
  const chat = tasks.chat.model;
  const complete = tasks.complete.model;
  const recent = (model: string) => {
    const key = Object.keys(b.usedAgoMs).find((m) => sameModel(m, model));
    return key !== undefined && b.usedAgoMs[key] <= RECENT_MS;
  };
  if (!sameModel(chat, complete) && recent(chat) && recent(complete) && !(isLoaded(chat) && isLoaded(complete))) {
    out.push({
      id: 'backend.loaded.evicting',
      backend: b.name,
      status: 'warn',
      title: `The chat and completion models cannot both stay loaded on ${b.name}`,
      detail: `Both ${chat} and ${complete} were used in the last ${RECENT_MS / 60_000} minutes but only ${loaded.map((l) => l.name).join(', ') || 'neither'} is loaded: each switch reloads a model and stalls completions.`,
      fix: `Set OLLAMA_MAX_LOADED_MODELS=2 (or more) for the Ollama server on ${hostOf(b.url)} if memory allows, use a smaller chat model, or serve chat from another backend.`,
    });
  }
  const nextEdit = nextEditResidency(b.name, hostOf(b.url), tasks, loaded, recent, RECENT_MS / 60_000);
  if (nextEdit) out.push(nextEdit);
  return out;
}

/** Whether the agent model can call tools (`tools` in /api/show), and which pulled model can when it cannot. */
function toolsCheck(b: DoctorBackendInput, model: string): DoctorCheck | undefined {
  const caps = b.traits[model]?.capabilities;
  if (!caps) return undefined;
  const base = { id: 'model.agent.tools', backend: b.name };
  if (caps.includes('tools')) return { ...base, status: 'ok', title: `${model} can call tools (agent mode)` };
  const capable = Object.entries(b.traits)
    .filter(([name, t]) => name !== model && t?.capabilities?.includes('tools'))
    .map(([name]) => name);
  return {
    ...base,
    status: 'warn',
    title: `${model} cannot call tools, so agent mode answers in plain chat`,
    detail: 'Its /api/show capabilities do not include "tools": the template has no tool-calling support.',
    fix:
      capable.length > 0
        ? `Set the agent model to ${capable[0]} (it has the "tools" capability on ${b.name}).`
        : `Pull a tool-capable model and set the agent model to it: \`ollama pull qwen3:8b\` (or qwen2.5-coder:7b-instruct, llama3.1:8b) on ${hostOf(b.url)}.`,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** Compare dotted versions numerically (`0.12.6` > `0.3.0`); pre-release suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const pa = a
    .replace(/^v/, '')
    .split(/[.-]/)
    .map((x) => parseInt(x, 10) || 0);
  const pb = b
    .replace(/^v/, '')
    .split(/[.-]/)
    .map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
