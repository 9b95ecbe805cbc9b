/**
 * package.json contributes agree with the UI mode mapping: every command is
 * contributed with category "Tandem", palette visibility per mode is expressed by the
 * `tandem.uiMode` context key, internal commands are hidden, the view is gated, and the
 * settings are few, scoped and described.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  commandMinMode,
  internalCommands,
  surfaceFor,
  viewMinMode,
  whenForMinMode,
  UiModes,
  type UiMode,
} from '../../../extension/ui/ui-mode';
import { commandTitles } from '../../../extension/ui/command-catalog';

interface Manifest {
  engines: { vscode: string };
  extensionKind: string[];
  activationEvents: string[];
  main: string;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    menus: { commandPalette: Array<{ command: string; when?: string }>; [k: string]: Array<{ command: string; when?: string }> };
    views: Record<string, Array<{ id: string; when?: string }>>;
    keybindings: Array<{ command: string; key: string; when?: string }>;
    configuration: {
      properties: Record<string, { scope?: string; description?: string; markdownDescription?: string; default?: unknown }>;
    };
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as Manifest;

/** Evaluates the small `when` grammar used here for a given mode (==, ||, &&, parentheses not needed). */
function visibleIn(when: string | undefined, mode: UiMode): boolean {
  if (when === undefined) return true;
  if (when === 'false') return false;
  return when.split('||').some((alt) =>
    alt.split('&&').every((term) => {
      const m = /^\s*tandem\.uiMode\s*==\s*(\w+)\s*$/.exec(term);
      if (!m) throw new Error(`unexpected when term: ${term}`);
      return m[1] === mode;
    }),
  );
}

describe('package.json manifest', () => {
  it('targets VS Code ^1.100.0 as a workspace extension with the bundled entry', () => {
    assert.equal(manifest.engines.vscode, '^1.100.0');
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.equal(manifest.main, './dist/extension.js');
    assert.ok(manifest.activationEvents.includes('onStartupFinished'));
  });

  it('contributes every command with category Tandem and the catalogued title', () => {
    const contributed = new Map(manifest.contributes.commands.map((c) => [c.command, c]));
    for (const id of [...Object.keys(commandMinMode), ...internalCommands]) {
      const c = contributed.get(id);
      assert.ok(c, `${id} is contributed`);
      assert.equal(c.category, 'Tandem', `${id} category`);
    }
    for (const [id, title] of Object.entries(commandTitles)) assert.equal(contributed.get(id)?.title, title, id);
    for (const c of manifest.contributes.commands) {
      assert.ok(c.command.startsWith('tandem.'), `${c.command} is tandem.-prefixed`);
      assert.equal(c.category, 'Tandem', `${c.command} category`);
    }
  });

  it('palette visibility per mode matches the mode mapping', () => {
    const whenOf = new Map(manifest.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
    for (const mode of UiModes) {
      const expected = new Set(surfaceFor(mode).commands);
      for (const id of Object.keys(commandMinMode)) {
        assert.equal(visibleIn(whenOf.get(id), mode), expected.has(id as keyof typeof commandMinMode), `${id} in ${mode} mode`);
      }
      for (const id of internalCommands) assert.equal(visibleIn(whenOf.get(id), mode), false, `${id} hidden`);
    }
    for (const [id, min] of Object.entries(commandMinMode)) assert.equal(whenOf.get(id), whenForMinMode(min), id);
  });

  it('the Tandem view is gated by the mode context key', () => {
    const views = Object.values(manifest.contributes.views).flat();
    for (const [id, min] of Object.entries(viewMinMode)) {
      const view = views.find((v) => v.id === id);
      assert.ok(view, id);
      assert.equal(view.when, whenForMinMode(min));
      for (const mode of UiModes)
        assert.equal(visibleIn(view.when, mode), surfaceFor(mode).views.includes(id as keyof typeof viewMinMode), `${id} in ${mode}`);
    }
  });

  it('suggestion keybindings only act while a Tandem suggestion is visible', () => {
    const suggestion = manifest.contributes.keybindings.filter((k) => !k.command.startsWith('tandem.inlineEdit.'));
    assert.ok(suggestion.length > 0);
    for (const k of suggestion) {
      assert.match(
        k.when ?? '',
        /inlineSuggestionVisible && tandem\.suggestionVisible|^tandem\.nextEditVisible && |inlineSuggestionVisible && tandem\.nextEditInline/,
        k.command,
      );
    }
    assert.ok(manifest.contributes.keybindings.some((k) => k.command === 'tandem.dismissSuggestion' && k.key === 'escape'));
    // Tab goes to a next edit only while one is marked, and never over an inline suggestion or the suggest widget.
    const tab = manifest.contributes.keybindings.filter((k) => k.key === 'tab');
    assert.deepEqual(
      tab.map((k) => k.command),
      ['tandem.nextEdit.tab'],
    );
    for (const term of [
      'tandem.nextEditVisible',
      'editorTextFocus',
      '!inlineSuggestionVisible',
      '!suggestWidgetVisible',
      '!inSnippetMode',
      '!editorTabMovesFocus',
    ])
      assert.ok(tab[0].when?.split(' && ').includes(term), `Tab binding has ${term}`);
    assert.ok(manifest.contributes.keybindings.some((k) => k.command === 'tandem.nextEdit.reject' && k.key === 'escape'));
  });

  it('inline edit keybindings: Ctrl+I yields to VS Code inline chat, Accept and Reject only while an inline edit is shown', () => {
    const keys = new Map(
      manifest.contributes.keybindings.filter((k) => k.command.startsWith('tandem.inlineEdit.')).map((k) => [k.command, k]),
    );
    const start = keys.get('tandem.inlineEdit.start');
    assert.equal(start?.key, 'ctrl+i');
    assert.match(start?.when ?? '', /!inlineChatHasProvider && !inlineChatHasEditsAgent/);
    assert.match(start?.when ?? '', /editorTextFocus && !editorReadonly/);
    for (const id of ['tandem.inlineEdit.accept', 'tandem.inlineEdit.reject'])
      assert.match(keys.get(id)?.when ?? '', /^tandem\.inlineEditActive && /, id);
    assert.equal(keys.get('tandem.inlineEdit.reject')?.key, 'escape');
  });

  it('the commit message button sits in the Source Control title of Git repositories (scm/inputBox is proposed API in 1.100)', () => {
    const scm = manifest.contributes.menus['scm/title'] ?? [];
    assert.ok(scm.some((m) => m.command === 'tandem.commitMessage.generate' && m.when === 'scmProvider == git'));
    assert.equal(manifest.contributes.menus['scm/inputBox'], undefined);
  });

  it('settings are few, tandem-prefixed, scoped and described', () => {
    const props = manifest.contributes.configuration.properties;
    const keys = Object.keys(props);
    // Each setting is named here: a new one is a decision, not an accident (agent mode brought tandem.agent).
    assert.ok(keys.length <= 9, `${keys.length} settings`);
    for (const key of [
      'tandem.enable',
      'tandem.nextEdit.enable',
      'tandem.uiMode',
      'tandem.ollamaUrl',
      'tandem.remoteUrl',
      'tandem.models',
      'tandem.daemon.nodePath',
      'tandem.agent',
    ])
      assert.ok(keys.includes(key), key);
    for (const [key, p] of Object.entries(props)) {
      assert.ok(key.startsWith('tandem.'), key);
      assert.ok(p.scope, `${key} has a scope`);
      assert.ok((p.description ?? p.markdownDescription ?? '').length > 20, `${key} is described`);
    }
    assert.equal(props['tandem.enable'].scope, 'language-overridable', 'per-language enable');
    assert.equal(props['tandem.nextEdit.enable'].scope, 'language-overridable', 'per-language next edits');
    assert.equal(props['tandem.uiMode'].default, 'simple');
  });
});
