/**
 * Top self-time functions of V8 .cpuprofile files (node --cpu-prof), merged over all files given
 * (one per server process), so a run of `npm run bench -- --cpu-prof DIR` can be read without DevTools.
 *   node --import tsx bench/cpuprofile.ts [--top N] [--all] <file.cpuprofile | dir> ...
 * A directory written by the bench holds the measured windows too: only those are counted unless --all.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from './processes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** [start, end] in µs of the monotonic clock, which is what V8 stamps samples with (process.hrtime in any process). */
export type Window = [number, number];

export interface HotSpot {
  fn: string;
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) samples. */
  share: number;
}

const IDLE = new Set(['(idle)', '(program)']);

export function profileFiles(paths: string[]): string[] {
  return paths.flatMap((p) => statSync(p).isDirectory()
    ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(p, f))
    : [p]);
}

/** Self time by function, over the whole profiles or only the samples inside `windows` (e.g. the measured cells, not start-up). */
export function hotSpots(files: string[], top = 10, windows?: Window[]): { spots: HotSpot[]; modules: HotSpot[]; busyMs: number; files: number } {
  const self = new Map<string, { fn: string; where: string; ms: number }>();
  const byModule = new Map<string, number>();
  let busyMs = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    // Samples come every --cpu-prof-interval; on a busy machine their spacing varies, so count them.
    const msPerSample = (p.endTime - p.startTime) / 1000 / Math.max(1, p.samples.length);
    const hits = new Map<number, number>();
    let t = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i];
      if (!windows || windows.some(([a, b]) => t >= a && t <= b)) hits.set(p.samples[i], (hits.get(p.samples[i]) ?? 0) + msPerSample);
    }
    for (const n of p.nodes) {
      const { functionName, url, lineNumber } = n.callFrame;
      const fn = functionName || '(anonymous)';
      const ms = hits.get(n.id);
      if (!ms || IDLE.has(fn)) continue;
      const path = url.startsWith('file://') ? relative(root, new URL(url).pathname) : url;
      const where = path ? `${path}:${lineNumber + 1}` : '';
      const key = `${fn} ${where}`;
      busyMs += ms;
      const e = self.get(key) ?? { fn, where, ms: 0 };
      e.ms += ms;
      self.set(key, e);
      const mod = moduleOf(path);
      byModule.set(mod, (byModule.get(mod) ?? 0) + ms);
    }
  }
  const spots = [...self.values()].sort((a, b) => b.ms - a.ms).slice(0, top)
    .map((e) => ({ fn: e.fn, where: e.where, selfMs: e.ms, share: e.ms / busyMs }));
  const modules = [...byModule].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([where, ms]) => ({ fn: '', where, selfMs: ms, share: ms / busyMs }));
  return { spots, modules, busyMs, files: files.length };
}

/** A package for node_modules files, the file for the project's own, node's internals as one, native code as one. */
function moduleOf(path: string): string {
  if (!path) return '(native: syscalls, GC, V8 builtins)';
  if (path.startsWith('node:')) return 'node: internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? m[1] : path;
}

export function printHotSpots(h: ReturnType<typeof hotSpots>, scope = ''): void {
  console.log(`\nTop ${h.spots.length} self-time functions${scope} (${h.files} profile${h.files === 1 ? '' : 's'}, ${(h.busyMs / 1000).toFixed(1)} s busy):`);
  for (const s of h.spots) console.log(`  ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.selfMs.toFixed(0).padStart(6)} ms  ${s.fn}  ${s.where}`);
  console.log('by module:');
  for (const s of h.modules) console.log(`  ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.selfMs.toFixed(0).padStart(6)} ms  ${s.where}`);
}

/** The bench leaves the measured windows beside the profiles, so they can be read again the same way. */
export const WINDOWS_FILE = 'bench-windows.json';

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '10' }, all: { type: 'boolean', default: false } }, allowPositionals: true });
  const saved = positionals.map((p) => join(p, WINDOWS_FILE)).filter((f) => existsSync(f));
  const windows = values.all || saved.length === 0 ? undefined : saved.flatMap((f) => JSON.parse(readFileSync(f, 'utf8')) as Window[]);
  printHotSpots(hotSpots(profileFiles(positionals), Number(values.top), windows), windows ? ' while the service cells ran' : ' over the whole run');
}
