/**
 * Runs TypeScript entry points that need Nest's dependency injection outside a build (npm run
 * eval): compiles each .ts file on require with SWC, emitting decorator metadata (which tsx's
 * esbuild does not) and rewriting the @app/* aliases, the same settings the Jest projects use.
 *
 *   node -r ./scripts/swc-register.js eval/run.ts
 */
const { join } = require('node:path');

const { addHook } = require('pirates');
const { transformSync } = require('@swc/core');
const { compilerOptions } = require('../tsconfig.base.json');

const root = join(__dirname, '..');

addHook(
  (code, filename) =>
    transformSync(code, {
      filename,
      swcrc: false,
      sourceMaps: 'inline',
      jsc: {
        parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
        keepClassNames: true,
        baseUrl: root,
        paths: compilerOptions.paths,
      },
      module: { type: 'commonjs' },
    }).code,
  { exts: ['.ts'], ignoreNodeModules: true },
);
