// Lint rules that guard the architecture:
//  - no floating promises anywhere (mark intentional ones with `void`),
//  - `vscode` may only be imported from extension/ (daemon, protocol and webview-ui
//    run without VS Code and are tested in plain Node or a browser),
//  - import zones (`importZones`): the extension and the daemon never import each other,
//    the webviews import neither, shared/ imports only protocol/, protocol/ nothing of
//    ours. test/unit/import-zones.test.ts proves each zone still fails a wrong import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

const noVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only extension/ may import vscode; keep this module pure.' }] }],
};

// `from` is what files under `target` may not import (paths resolved from the repo root;
// an import the resolver cannot resolve is not checked, hence the test).
const importZones = [
  { target: './extension', from: './daemon', message: 'The extension talks to tandemd through protocol/; move code both need to shared/.' },
  { target: './daemon', from: ['./extension', './webview-ui'], message: 'tandemd runs without VS Code; move code both need to shared/.' },
  { target: './webview-ui', from: ['./extension', './daemon'], message: 'Webviews are browser code: import protocol/ or shared/ only.' },
  {
    target: './shared',
    from: '.',
    except: ['./shared', './protocol', './node_modules'],
    message: 'shared/ is pure and imports only protocol/.',
  },
  {
    target: './protocol',
    from: '.',
    except: ['./protocol', './node_modules'],
    message: 'protocol/ is the contract and imports nothing of ours.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.e2e-cache/**', '.runtime-cache/**', 'test/fixtures/**', 'out/**', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'] })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: importZones }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-namespace': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  { files: ['daemon/**', 'protocol/**', 'shared/**', 'webview-ui/**', 'bench/**'], rules: noVscode },
  { files: ['webview-ui/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['test/**'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);
