// ESLint is used here for one job: the size limits of issue #12 ("no source file over about 400
// lines, no function over about 80"), checked in CI (`npm run lint:size`, in .ci/run) so that a
// file or function growing past them fails the build. Layer rules are dependency-cruiser's
// (.dependency-cruiser.js); formatting is not linted. Blank lines and comments do not count.
import tsParser from '@typescript-eslint/parser';

/**
 * The kernel's AssemblyScript puts decorators on functions (`@inline`, `@external(...)`), which
 * TypeScript's grammar refuses. They are blanked out (same length, so every line and column stays
 * where it is) before the TypeScript parser reads the file; they add no lines to any function.
 */
const assemblyScriptParser = {
  meta: { name: 'assemblyscript-as-typescript' },
  parseForESLint(code, options) {
    const blanked = code.replace(/^([ \t]*)(@(?:inline|external\([^)\n]*\)))/gm, (_, indent, decorator) => indent + ' '.repeat(decorator.length));
    return tsParser.parseForESLint(blanked, options);
  },
};

const sizeRules = {
  'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
  'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
};

export default [
  { files: ['src/**/*.ts'], ignores: ['src/kernel/assembly/**'], languageOptions: { parser: tsParser }, rules: sizeRules },
  { files: ['src/kernel/assembly/**/*.ts'], languageOptions: { parser: assemblyScriptParser }, rules: sizeRules },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
];
