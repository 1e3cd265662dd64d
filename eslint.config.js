// Type-aware lint: floating promises and misused promises are real bugs in a consumer loop.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.stack/**', 'eslint.config.js', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'test', 'suite'], package: 'node:test' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      // Prettier wraps code at 140 (npm run format); strings, templates and URLs stay whole.
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
    },
  },
  {
    // Small files: a module that outgrows this holds more than its name says.
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 250, skipBlankLines: true, skipComments: true }] },
  },
  {
    // The demo search page: plain browser ES modules served as they are, no type information.
    files: ['src/web/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'fetch', 'URL', 'URLSearchParams', 'history', 'location', 'console', 'setTimeout', 'clearTimeout',
          'AbortController', 'HTMLElement', 'Event', 'CustomEvent', 'KeyboardEvent', 'Intl', 'navigator', 'requestAnimationFrame', 'DOMParser', 'Node', 'HTMLInputElement', 'FormData', 'WebSocket', 'CSS']
          .map((name) => [name, 'readonly']),
      ),
    },
  },
);
