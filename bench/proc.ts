/**
 * CPU time and resident memory of a process tree, read from /proc (Linux): the service may run
 * several worker processes (node:cluster), so every figure is summed over the spawned process
 * and all its descendants.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process (or thread) has just exited
  }
};

/** The pid and all its live descendants, found through /proc/<pid>/task/<tid>/children. */
export function processTree(root: number): number[] {
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (read(`/proc/${pid}/stat`) === undefined) continue;
    out.push(pid);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {}
    for (const tid of tasks) {
      for (const child of (read(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ')) if (child.trim()) queue.push(Number(child));
    }
  }
  return out;
}

/**
 * CPU milliseconds used so far by the tree. utime+stime of each live process, plus cutime+cstime
 * (children it has reaped), so a helper process that exits mid-measurement is still counted once.
 */
export function treeCpuMs(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    // Fields after "(comm)": state is field 3, so utime (14) … cstime (17) are at 11 … 14 here.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  }
  return (ticks * 1000) / CLK_TCK;
}

/** Resident memory of the tree in MiB (VmRSS summed: pages shared between workers count in each). */
export function treeRssMb(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    const m = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
    if (m) kb += Number(m[1]);
  }
  return kb / 1024;
}

/** Samples the tree every interval until stopped: its peak RSS and the most processes seen. */
export function treeSampler(root: number, intervalMs = 200): { stop: () => { peakRssMb: number; processes: number } } {
  let peakRssMb = 0;
  let processes = 0;
  const sample = () => {
    peakRssMb = Math.max(peakRssMb, treeRssMb(root));
    processes = Math.max(processes, processTree(root).length);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { peakRssMb, processes };
    },
  };
}

/** CPU milliseconds all cores of the machine have been busy (not idle, not waiting for I/O), from /proc/stat. */
export function machineBusyMs(): number {
  const f = (read('/proc/stat') ?? '').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const busy = f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4];
  return (busy * 1000) / CLK_TCK;
}
