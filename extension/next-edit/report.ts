/**
 * The expert view of the last next-edit request (pure): what was asked, the prompt the
 * daemon sent in the model's format and the model's raw answer, and what came of it.
 */
import type { NextEditRequest } from '../../protocol';

export interface NextEditExchange {
  params: NextEditRequest.Params;
  result: NextEditRequest.Result;
  at: number;
}

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  return '`'.repeat(longest + 1);
}

export function nextEditReport(exchange: NextEditExchange | undefined): string {
  if (!exchange) return '# Tandem — last next edit\n\nNo next-edit request yet (they follow an edit and a pause).\n';
  const { params, result } = exchange;
  const doc = params.document;
  const t = result.timings;
  const outcome =
    result.outcome === 'suggested'
      ? `suggested ${result.edits.length} replacement(s)`
      : `nothing suggested (${result.reason ?? 'no reason given'})`;
  const lines = [
    '# Tandem — last next edit',
    '',
    `suggestion \`${result.suggestionId}\` · ${result.model} @ ${result.backend || '—'} · ${result.format} format · ${outcome}`,
    `file ${doc.path} (${doc.languageId}) at ${doc.line + 1}:${doc.character + 1} · region lines ${result.region.startLine + 1}–${result.region.endLine} · ${params.strictness ?? 'normal'} · ${result.promptTokens} prompt tokens`,
    `context ${t.contextMs} ms · first token ${t.firstTokenMs} ms · total ${t.totalMs} ms · parse ${t.parseMs} ms`,
    `sent: ${params.history?.length ?? 0} edit(s), ${params.diagnostics?.length ?? 0} diagnostic(s), lines ${doc.startLine + 1}–${doc.startLine + doc.text.split('\n').length} of ${doc.lineCount}`,
    '',
  ];
  if (result.edits.length > 0) {
    lines.push('## Replacements', '');
    for (const e of result.edits)
      lines.push(`- ${e.start.line + 1}:${e.start.character + 1}–${e.end.line + 1}:${e.end.character + 1} → ${JSON.stringify(e.text)}`);
    lines.push('');
  }
  if (result.prompt === undefined) {
    lines.push('The prompt and the raw answer are kept only in expert mode (switch the UI mode, then make an edit).');
  } else {
    const pf = fence(result.prompt);
    const af = fence(result.answer ?? '');
    lines.push('## Prompt sent', '', pf, result.prompt, pf, '', '## Raw answer', '', af, result.answer ?? '', af);
  }
  return lines.join('\n') + '\n';
}
