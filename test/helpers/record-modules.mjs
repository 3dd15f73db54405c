/**
 * `node --import ./record-modules.mjs …`: appends the URL of every module the process
 * loads to the file named by RECORD_MODULES — ES modules through a load hook (which
 * runs in the loader thread, where this same file is the hooks module), CommonJS
 * modules from the require cache when the process exits.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const out = process.env.RECORD_MODULES;
if (!out) throw new Error('record-modules.mjs: set RECORD_MODULES to a file name');

export async function load(url, context, nextLoad) {
  appendFileSync(out, `esm ${url}\n`);
  return nextLoad(url, context);
}

if (isMainThread) {
  register(import.meta.url);
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    appendFileSync(out, Object.keys(cache).map((f) => `cjs ${pathToFileURL(f).href}\n`).join(''));
  });
}
