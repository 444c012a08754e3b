// Lint rules: typescript-eslint's recommended set, no `any`, and no import cycles.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import importX from 'eslint-plugin-import-x'

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.nmfkit-build-*/**',
      'coverage/**',
      '.scratch/**',
      'wasm/kernels.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/extensions': ['.ts', '.js'], 'import-x/ignore': ['node_modules'] },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['examples/**', 'bench/**', 'cli/**', 'wasm/build.ts'],
    rules: { 'no-console': 'off' },
  },
)
