// Lint rules that guard the architecture:
//  - no floating promises anywhere (mark intentional ones with `void`),
//  - `vscode` may only be imported from extension/ (daemon, protocol and webview-ui
//    run without VS Code and are tested in plain Node or a browser).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only extension/ may import vscode; keep this module pure.' }] }],
};

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
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-namespace': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
  { files: ['daemon/**', 'protocol/**', 'webview-ui/**', 'bench/**'], rules: noVscode },
  { files: ['webview-ui/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['test/**'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);
