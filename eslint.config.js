const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['test/reporters/**', 'dist/**', 'node_modules/**', 'bench-results/**', 'native-bench/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Key material must never reach the console; the logger redacts, console does not.
      'no-console': ['error', { allow: ['warn'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
