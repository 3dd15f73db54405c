#!/usr/bin/env node
// The second half of `npm run build`: bundles the compiled binaries (dist/src/bin) into dist/bundle, so a
// process starts by reading a few files instead of resolving hundreds of modules (Kysely alone is ~280 ESM
// files): the start-up time of a process halves. better-sqlite3 is a native addon and stays a package;
// pg-native and cardinal are optional requires of pg and mysql2 that this service does not use.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const bins = ['ec2-api', 'ec2-api-metadata', 'ec2-api-s3', 'ec2-api-manage', 'ec2-api-all'];

rmSync(`${root}dist/bundle`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: bins.map((b) => `dist/src/bin/${b}.js`),
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['better-sqlite3', 'pg-native', 'cardinal'],
  // mysql2 and pg are CommonJS and call require() on node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
