// ESLint: a small rule set on top of typescript-eslint's recommended rules. Layout is Prettier's
// job (eslint-config-prettier turns every formatting rule off). `npm run lint` runs it; `npm test`
// runs lint first.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'tools/ferretdb/**', 'public/vendor/**', 'data/**', 'coverage/**'] },
  { files: ['**/*.ts'], extends: [js.configs.recommended, ...tseslint.configs.recommended] },
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are compile errors already (noUnusedLocals); `_`-prefixed ones are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The app's types come from the model schemas: a cast that silences the compiler hides a wrong shape.
    files: ['server/**/*.ts', 'models/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TSAsExpression > TSNeverKeyword.typeAnnotation', message: 'No `as never`: use the type the schema infers.' },
        { selector: 'TSAsExpression[typeAnnotation.type="TSUnknownKeyword"]', message: 'No `as unknown as`: use the type the schema infers.' },
      ],
    },
  },
  {
    // Command-line programs and benchmarks talk to the terminal.
    files: ['server/cli/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts', 'server/main.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
