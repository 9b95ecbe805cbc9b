/**
 * `tandem/tests/generate`: a test for a function (or the selected code) in the
 * project's framework and place (`test-setup.ts`), written by the `edit` model from
 * the code, the source file, an existing test as an example of the style (or the test
 * file the test is added to) and related code. The answer becomes one `create` of the
 * test file, or one `modify` of the existing one (its search/replace blocks, a whole
 * rewrite, or new tests appended at its end); nothing else may change.
 */
import { randomUUID } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { FileChange, RejectedEdit, TestsGenerateRequest, z } from '../../protocol';
import { contentHash, stripBom } from '../../shared/hash';
import { resolveWorkspacePath } from '../../shared/paths';
import { toTextEdits } from '../edit/apply';
import { changesFromAnswer } from '../edit/changes';
import { parseEditResponse, type ParsedEdits } from '../edit/format';
import { relatedCode } from '../edit/related';
import { canonicalPath, clip, documentsMap, requireSafe, sessionRoots, textReader } from '../edit/workspace';
import type { RequestContext } from '../server/rpc';
import { regionLines } from './inline-edit';
import { testsMessages } from './prompts';
import { roundMs, type CommandsState } from './state';
import { detectTestSetup, importHint, nearestTest, setupFsFor } from './test-setup';

type Params = z.output<typeof TestsGenerateRequest.params>;

/** Source files up to this many lines are shown whole; longer ones as a window around the target. */
const WHOLE_SOURCE_LINES = 400;
const SOURCE_WINDOW = 80;
const EXAMPLE_MAX_CHARS = 6000;

export async function generateTests(
  state: CommandsState,
  params: Params,
  { session, signal }: RequestContext,
): Promise<TestsGenerateRequest.Result> {
  const { host } = state;
  const started = performance.now();
  const roots = sessionRoots(session);
  const doc = requireSafe(params.document.path, roots, `write tests for ${params.document.path}`);
  const text = stripBom(params.document.text);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const { startLine, endLine } = regionLines(params.range, lines.length);
  const target = lines.slice(startLine, endLine + 1).join('\n');
  const languageId = params.document.languageId;
  const setupFs = setupFsFor(roots);
  const setup = detectTestSetup(doc.root, doc.path, languageId, setupFs);
  const testsId = randomUUID();
  const base = { testsId, setup, explanation: '' };

  const testCheck = resolveWorkspacePath(canonicalPath(setup.testPath), roots);
  if (!testCheck.ok) {
    return refused(
      base,
      [{ kind: 'unsafe_path', reason: `The test file was refused: ${testCheck.reason}`, path: setup.testPath }],
      started,
    );
  }
  const testPath = testCheck.path;
  const docs = documentsMap(params.documents);
  docs.set(doc.path, text);
  const read = textReader(docs, roots);
  const existing = setup.exists ? read(testPath) : undefined;
  const exampleAt = existing === undefined ? nearestTest(doc.root, testPath, languageId, setupFs) : undefined;
  const exampleText = exampleAt ? read(exampleAt) : undefined;
  const source =
    lines.length <= WHOLE_SOURCE_LINES
      ? text
      : lines.slice(Math.max(0, startLine - SOURCE_WINDOW), Math.min(lines.length, endLine + 1 + SOURCE_WINDOW)).join('\n');
  const related = await relatedCode(host, { query: target, path: doc.path, languageId, root: doc.root, roots, task: 'edit', signal });
  const contextMs = performance.now() - started;
  const hint = importHint(testPath, doc.path, languageId, doc.root);
  const messages = testsMessages({
    framework: setup.framework,
    evidence: setup.evidence,
    sourcePath: doc.relative,
    languageId,
    target,
    ...(params.name ? { name: params.name } : {}),
    source,
    testPath: setup.relativeTestPath,
    ...(existing !== undefined ? { existing } : {}),
    ...(exampleAt && exampleText !== undefined
      ? {
          example: {
            path: resolveWorkspacePath(exampleAt, roots).ok ? relativeTo(doc.root, exampleAt) : basename(exampleAt),
            text: clip(exampleText, EXAMPLE_MAX_CHARS),
          },
        }
      : {}),
    ...(hint ? { importHint: hint } : {}),
    related,
  });
  const modelStarted = performance.now();
  const result = await host.router.chat({
    task: 'edit',
    messages,
    sessionKey: params.sessionKey ?? session.id,
    signal,
    onDelta: host.stream(session, params.streamId),
  });
  const modelMs = performance.now() - modelStarted;
  const parsed = parseEditResponse(result.text);
  const proposed =
    existing !== undefined
      ? changesToExisting(parsed, testPath, existing, roots, read)
      : creation(parsed, testPath, setup.relativeTestPath, read(testPath) !== undefined);
  state.proposals.inc({ command: 'generateTests', result: proposed.changes.length > 0 ? 'usable' : 'refused' });
  host.logger.info(
    `Tests ${testsId}: ${setup.framework} in ${setup.relativeTestPath} (${existing !== undefined ? 'added to' : 'new'}), ${proposed.changes.length > 0 ? 'proposed' : `refused (${proposed.rejected.map((r) => r.kind).join(', ')})`}, by ${result.model} on ${result.backend} in ${Math.round(performance.now() - started)} ms.`,
  );
  return {
    ...base,
    changes: proposed.changes,
    rejected: proposed.rejected,
    explanation: parsed.prose,
    model: result.model,
    backend: result.backend,
    timings: { contextMs: roundMs(contextMs), modelMs: roundMs(modelMs), totalMs: roundMs(performance.now() - started) },
  };
}

function relativeTo(root: string, path: string): string {
  return path.startsWith(root)
    ? path
        .slice(root.length + 1)
        .split('\\')
        .join('/')
    : basename(path);
}

function refused(
  base: { testsId: string; setup: TestsGenerateRequest.Result['setup']; explanation: string },
  rejected: RejectedEdit[],
  started: number,
): TestsGenerateRequest.Result {
  return {
    ...base,
    changes: [],
    rejected,
    model: 'none',
    backend: 'none',
    timings: { contextMs: 0, modelMs: 0, totalMs: roundMs(performance.now() - started) },
  };
}

/** Blocks for the existing test file, a whole rewrite of it, or (a snippet of new tests) appended at its end. */
function changesToExisting(
  parsed: ParsedEdits,
  testPath: string,
  existing: string,
  roots: string[],
  read: (p: string) => string | undefined,
): { changes: FileChange[]; rejected: RejectedEdit[] } {
  const proposed = changesFromAnswer(parsed, {
    roots,
    defaultPath: testPath,
    allowedPaths: [testPath],
    acceptWholeFile: true,
    readText: read,
  });
  if (proposed.changes.length > 0 || parsed.blocks.length > 0 || parsed.codeBlocks.length === 0) {
    if (proposed.changes.length === 0 && proposed.rejected.length === 0)
      proposed.rejected.push({
        kind: 'malformed',
        reason: 'The answer has neither edit blocks nor a code block with tests.',
        path: testPath,
      });
    return proposed;
  }
  // A code block that is not the whole file: new tests to append.
  const snippet = parsed.codeBlocks[0]!.replace(/\s+$/, '');
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  // One blank line between the file's last line and the new tests.
  const gap = existing === '' || /\r?\n\r?\n$/.test(existing) ? '' : existing.endsWith('\n') ? eol : eol + eol;
  const newText = `${gap}${snippet.replace(/\r?\n/g, eol)}${eol}`;
  return {
    changes: [
      {
        kind: 'modify',
        path: testPath,
        baseHash: contentHash(existing),
        edits: toTextEdits(existing, [{ start: existing.length, end: existing.length, newText, blockIndex: 0 }]),
        description: 'New tests appended at the end',
      },
    ],
    rejected: [],
  };
}

/** The new test file from the answer's code block (or a `/dev/null` diff creating it). */
function creation(
  parsed: ParsedEdits,
  testPath: string,
  relative: string,
  existsNow: boolean,
): { changes: FileChange[]; rejected: RejectedEdit[] } {
  if (existsNow)
    return {
      changes: [],
      rejected: [{ kind: 'exists', reason: `${relative} exists already; run the command again to add to it.`, path: testPath }],
    };
  const created = parsed.creates[0]?.text ?? parsed.codeBlocks[0];
  if (created === undefined || created.trim() === '') {
    return {
      changes: [],
      rejected: [
        {
          kind: 'malformed',
          reason: `The answer has no code block with the content of ${relative}, so nothing was created.`,
          path: testPath,
        },
      ],
    };
  }
  const text = created.endsWith('\n') ? created : `${created}\n`;
  return {
    changes: [
      {
        kind: 'create',
        path: testPath,
        text,
        description: `New test file in ${dirname(relative) === '.' ? 'the root' : dirname(relative)}`,
      },
    ],
    rejected: [],
  };
}
