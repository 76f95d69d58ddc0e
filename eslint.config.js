// npm run lint: TypeScript's rules with type information (typescript-eslint), Lit's
// (eslint-plugin-lit), web components' (eslint-plugin-wc) and Lit templates' accessibility
// (eslint-plugin-lit-a11y). A rule that is off or relaxed says why beside it.
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const widget = ['src/widget/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'bin/*.mjs', 'test/setup/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (a parameter a signature requires).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // node:test's describe/it/test return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach', 'suite'] }],
      }],
    },
  },
  { files: widget, ...wc.configs['flat/recommended'] },
  { files: widget, ...wc.configs['flat/best-practice'] },
  { files: widget, ...lit.configs['flat/recommended'] },
  { files: widget, ...litA11y.configs.recommended },
  // The merchant dashboard's templates (decision 011) are held to Lit's and Lit's accessibility rules too.
  { files: ['src/dashboard/**/*.ts'], ...lit.configs['flat/recommended'] },
  { files: ['src/dashboard/**/*.ts'], ...litA11y.configs.recommended },
  {
    files: widget,
    rules: {
      // Our elements register themselves guardedly in their own module (index.ts, calendar.ts), so a
      // page that loads the widget twice gets a warning rather than an exception.
      'wc/guard-define-call': 'off',
    },
  },
  {
    // Tests, benchmarks and the demo seeder read JSON from our own API with `res.json()`, which is
    // `any`; the product code parses every answer with the contract's zod schemas instead.
    // So do the build's plugins with the ESTree nodes that `this.parse` returns (vite.config.ts).
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/cli/demo.ts', 'vite.config.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['test/widget/**/*.ts'],
    rules: {
      // @open-wc/testing's chai carries chai-a11y-axe, whose typings make every Assertion thenable:
      // each `expect(…).to.equal(…)` would count as a floating promise. The one asynchronous
      // assertion we use (`to.be.accessible()`) is awaited; tsc's own checks still see the rest.
      '@typescript-eslint/no-floating-promises': 'off',
      // chai's property assertions (`.to.exist`, `.to.be.true`) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    // Plain JavaScript files (configs, bin, setup scripts) have no types to check against.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  { files: ['**/*.js', '**/*.mjs'], ignores: ['demo/**'], languageOptions: { globals: globals.node } },
  { files: ['demo/**/*.js'], languageOptions: { globals: globals.browser } },
);
