/**
 * Tool calls a model wrote as text, when the server's tool parser missed them (pure).
 * Local models do this often: a quantised model drifts from its template, a template
 * lacks tool support, or the parser expects one form and the model emits another.
 * Recognised forms, as the model families write them:
 *
 * - Qwen2.5 / Qwen3 / Hermes: `<tool_call>{"name": …, "arguments": {…}}</tool_call>`
 *   (several in a row; the last one may lack its closing tag when generation stopped);
 * - Llama 3.1+: `<|python_tag|>{"name": …, "parameters": {…}}`, or the bare object as
 *   the whole answer;
 * - Mistral / Devstral: `[TOOL_CALLS][{"name": …, "arguments": {…}}, …]` and the newer
 *   `[TOOL_CALLS]name[ARGS]{…}`;
 * - gpt-oss (harmony): `to=functions.name … <|message|>{…}<|call|>`;
 * - any model: a JSON object (or array of them) with a name and arguments in a
 *   ```json code fence.
 *
 * The name may be under `name`, `tool`, `tool_name` or `function` (a string or
 * `{name, arguments}`), the arguments under `arguments`, `parameters`, `args` or `input`,
 * as an object or a JSON string. Markup that is clearly a call but cannot be parsed is
 * reported as `malformed` with the reason, so the model can be told and retry. What the
 * model wrote around the calls is kept as `text`.
 */

export interface TextToolCall {
  name: string;
  arguments: unknown;
  /** The markup it was read from. */
  raw: string;
}

export interface RecognisedCalls {
  calls: TextToolCall[];
  /** Calls that could not be read, with why (fed back to the model). */
  malformed: Array<{ raw: string; reason: string }>;
  /** The answer without the call markup, trimmed. */
  text: string;
}

const NAME_KEYS = ['name', 'tool', 'tool_name', 'function'] as const;
const ARG_KEYS = ['arguments', 'parameters', 'args', 'input'] as const;

/** A parsed object as a call, or undefined when it is not shaped like one. `strict`: the arguments key must be there. */
function asCall(value: unknown, raw: string, strict: boolean): TextToolCall | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  let name: unknown;
  let args: unknown;
  for (const k of NAME_KEYS) {
    if (typeof o[k] === 'string') {
      name = o[k];
      break;
    }
    if (k === 'function' && typeof o[k] === 'object' && o[k] !== null) {
      const f = o[k] as Record<string, unknown>;
      if (typeof f.name === 'string') {
        name = f.name;
        args = f.arguments ?? f.parameters;
      }
    }
  }
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  const argKey = ARG_KEYS.find((k) => k in o);
  if (args === undefined && argKey === undefined && strict) return undefined;
  if (args === undefined) args = argKey !== undefined ? o[argKey] : {};
  return { name: name.trim(), arguments: normaliseArguments(args), raw };
}

/** Arguments given as a JSON string are parsed (a string that is not JSON stays a string: the schema will refuse it). */
export function normaliseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  const t = args.trim();
  if (t === '') return {};
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return args;
  }
}

/** JSON.parse, tolerating a trailing comma before a closing bracket (a common slip) — or the reason it failed. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const t = text.trim();
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch (err) {
    try {
      return { ok: true, value: JSON.parse(t.replace(/,\s*([}\]])/g, '$1')) };
    } catch {
      return { ok: false, reason: `its JSON does not parse (${(err as Error).message.replace(/\s+/g, ' ').slice(0, 120)})` };
    }
  }
}

/** Calls from a parsed value: one object, or an array of them. */
function callsFrom(value: unknown, raw: string, strict: boolean): TextToolCall[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  const calls = list.map((v) => asCall(v, raw, strict));
  return calls.length > 0 && calls.every((c) => c !== undefined) ? (calls as TextToolCall[]) : undefined;
}

interface Span {
  start: number;
  end: number;
}

export function recogniseToolCalls(answer: string): RecognisedCalls {
  const calls: TextToolCall[] = [];
  const malformed: RecognisedCalls['malformed'] = [];
  const spans: Span[] = [];
  const take = (start: number, end: number) => spans.push({ start, end });
  const overlaps = (start: number, end: number) => spans.some((s) => start < s.end && end > s.start);

  const read = (body: string, raw: string, start: number, end: number, strict: boolean, form: string): void => {
    if (overlaps(start, end)) return;
    const parsed = parseJson(body);
    if (!parsed.ok) {
      malformed.push({ raw, reason: `The ${form} tool call could not be read: ${parsed.reason}.` });
      take(start, end);
      return;
    }
    const found = callsFrom(parsed.value, raw, strict);
    if (!found) {
      if (!strict) malformed.push({ raw, reason: `The ${form} tool call has no tool name (expected {"name": …, "arguments": {…}}).` });
      else return;
    } else calls.push(...found);
    take(start, end);
  };

  // Qwen / Hermes: <tool_call> … </tool_call>, the last possibly unterminated.
  for (const m of answer.matchAll(/<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g)) {
    read(m[1]!, m[0], m.index, m.index + m[0].length, false, '<tool_call>');
  }
  // Mistral / Devstral, newer form: [TOOL_CALLS]name[ARGS]{…}
  for (const m of answer.matchAll(/\[TOOL_CALLS\]\s*([A-Za-z0-9_.-]+)\s*\[ARGS\]\s*(\{[\s\S]*?\})(?=\s*\[TOOL_CALLS\]|\s*$)/g)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const parsed = parseJson(m[2]!);
    if (parsed.ok) calls.push({ name: m[1]!, arguments: parsed.value, raw: m[0] });
    else malformed.push({ raw: m[0], reason: `The [TOOL_CALLS] call of ${m[1]} could not be read: ${parsed.reason}.` });
    take(m.index, m.index + m[0].length);
  }
  // Mistral: [TOOL_CALLS][{…}, …]
  for (const m of answer.matchAll(/\[TOOL_CALLS\]\s*(\[[\s\S]*\])/g)) {
    read(m[1]!, m[0], m.index, m.index + m[0].length, false, '[TOOL_CALLS]');
  }
  // Llama 3.1: <|python_tag|>{…}
  for (const m of answer.matchAll(/<\|python_tag\|>\s*(\{[\s\S]*?\})\s*(?:<\|eom_id\|>|<\|eot_id\|>|$)/g)) {
    read(m[1]!, m[0], m.index, m.index + m[0].length, false, '<|python_tag|>');
  }
  // gpt-oss harmony: to=functions.name … <|message|>{…}<|call|>
  for (const m of answer.matchAll(/to=functions\.([A-Za-z0-9_-]+)[^\n]*?<\|message\|>\s*(\{[\s\S]*?\})\s*(?:<\|call\|>|$)/g)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const parsed = parseJson(m[2]!);
    if (parsed.ok) calls.push({ name: m[1]!, arguments: parsed.value, raw: m[0] });
    else malformed.push({ raw: m[0], reason: `The call of ${m[1]} could not be read: ${parsed.reason}.` });
    take(m.index, m.index + m[0].length);
  }
  // A code fence holding a call object (or an array of them); other JSON in fences is left alone.
  for (const m of answer.matchAll(/```(?:json|tool_call|tool|javascript)?[ \t]*\n([\s\S]*?)\n?```/g)) {
    const body = m[1]!.trim();
    if (!body.startsWith('{') && !body.startsWith('[')) continue;
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const parsed = parseJson(body);
    if (!parsed.ok) continue;
    const found = callsFrom(parsed.value, m[0], true);
    if (!found) continue;
    calls.push(...found);
    take(m.index, m.index + m[0].length);
  }
  // The whole answer is one bare call object (Llama 3.x without the python tag).
  if (calls.length === 0 && malformed.length === 0) {
    const whole = answer.trim();
    if (whole.startsWith('{') && whole.endsWith('}')) {
      const parsed = parseJson(whole);
      const found = parsed.ok ? callsFrom(parsed.value, whole, true) : undefined;
      if (found) {
        calls.push(...found);
        spans.push({ start: 0, end: answer.length });
      }
    }
  }
  calls.sort((a, b) => answer.indexOf(a.raw) - answer.indexOf(b.raw));
  spans.sort((a, b) => a.start - b.start);
  let text = '';
  let at = 0;
  for (const s of spans) {
    if (s.start > at) text += answer.slice(at, s.start);
    at = Math.max(at, s.end);
  }
  text += answer.slice(at);
  return { calls, malformed, text: text.trim() };
}
