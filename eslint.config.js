// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'var/', 'test-results/', '.tmp/', 'src/ui/public/vendor/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Pure domain code: no I/O, no reaching into other modules' storage.
    files: ['src/supervision/rules/**/*.ts', 'src/work/permits/domain/**/*.ts', 'src/vision/track/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:fs*', 'node:child_process', 'node:net', 'node:http*', 'fs', 'child_process'],
              message: 'pure domain code does no I/O',
            },
            {
              group: [
                '**/platform/store/**',
                '**/platform/http/**',
                '**/video/**',
                'better-sqlite3',
                'fastify',
              ],
              message: 'pure domain code imports no I/O modules',
            },
          ],
        },
      ],
    },
  },
);
