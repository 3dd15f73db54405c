/**
 * npm run bench — what this machine gets out of the service, next to what it gets out of a bare
 * node:http server answering a fixed document (the ceiling). See the README's "Benchmark" section.
 *   npm run bench                       server-bound: SDK-signed requests replayed by autocannon
 *   npm run bench -- --sdk              end to end: @aws-sdk/client-ec2 calls drive the load
 *   npm run bench -- --openstack        on the test cloud (.testcloud/ec2api.conf, profile demo)
 *   npm run bench -- --help             all flags
 * Figures go into notes and the README, never into test assertions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CreateKeyPairCommand, CreateTagsCommand, DeleteKeyPairCommand, DescribeAvailabilityZonesCommand, DescribeKeyPairsCommand,
  DescribeRegionsCommand, DescribeTagsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import ini from 'ini';
import { hotSpots, printHotSpots, profileFiles, WINDOWS_FILE, type Window } from './cpuprofile.js';
import { type Call, type LoadResult, quantile, replay, sdkLoop, sdkSignedRequest, type Target } from './load.js';
import { machineBusyMs, processTree, treeCpuMs, treeRssMb, treeSampler } from './proc.js';
import { root, send, type Spawned, spawnCeiling, spawnService, stop, waitUntil } from './processes.js';
import { localCredentials, measureStartup, type StartupFigures } from './startup.js';
import { type GrowFigures, grow, INSTANCE_ACTIONS, instanceActionsAt, launchSpec, terminate } from './instances.js';
import { type CreateFigures, depopulate, type Made, populate, VPC_ACTIONS } from './vpc.js';

const BASE_ACTIONS: Record<string, Call> = {
  DescribeRegions: (c) => c.send(new DescribeRegionsCommand({})),
  DescribeAvailabilityZones: (c) => c.send(new DescribeAvailabilityZonesCommand({})),
  DescribeKeyPairs: (c) => c.send(new DescribeKeyPairsCommand({})),
  DescribeTags: (c) => c.send(new DescribeTagsCommand({})),
};
const ACTIONS: Record<string, Call> = { ...BASE_ACTIONS, ...VPC_ACTIONS, ...INSTANCE_ACTIONS };
const KEY_PAIRS = 20;

const USAGE = `npm run bench -- [flags]
  --sdk               drive the load with @aws-sdk/client-ec2 (end to end) instead of replaying
                      pre-signed requests with autocannon (server-bound, the default)
  --openstack         run the service on the test cloud (.testcloud/ec2api.conf or
                      $EC2API_TESTCLOUD_DIR, profile demo); adds upstream calls per request
  --workers N         pass EC2API_WORKERS=N to the service (default: unset, the service's default)
  --seconds S         measured seconds per cell (default 4, env BENCH_SECONDS)
  --concurrency LIST  connections per cell, comma-separated (default 1,16,64, env BENCH_CONCURRENCY)
  --actions LIST      subset of ${Object.keys(ACTIONS).join(',')}
                      (default: ${Object.keys(BASE_ACTIONS).join(',')}; with --vpcs the VPC Describes)
  --vpcs N            the VPC scenario: first make N VPCs, each with a subnet, a security group and a
                      network interface (16 clients at once; create figures printed), then load the VPC
                      Describes with and without filters (default concurrency 16)
  --instances LIST    the instances scenario: grow the project to each count of LIST in turn (RunInstances
                      in batches of 50, 16 clients at once; e.g. 100,1000,10000, or 20 on --openstack) and
                      after each step load DescribeInstances by id, and in full, paged and by tag up to
                      1,000 instances (default concurrency 16; on OpenStack also 1)
  --startup-runs N    start-up measurements, each a first start and a restart (default 3; 0 skips)
  --skip-build        use dist/ as it is instead of running npm run build first
  --log-level L       the service's log level (default warn; info logs one line per request)
  --cpu-prof DIR      run the service under node --cpu-prof, write profiles to DIR, print the top
                      self-time functions at the end
  --json PATH         also write every figure as JSON to PATH`;

const { values: opt } = (() => {
  try {
    return parseArgs({
      options: {
        sdk: { type: 'boolean', default: false },
        openstack: { type: 'boolean', default: false },
        workers: { type: 'string' },
        seconds: { type: 'string', default: process.env.BENCH_SECONDS ?? '4' },
        concurrency: { type: 'string' },
        actions: { type: 'string' },
        vpcs: { type: 'string' },
        instances: { type: 'string' },
        'startup-runs': { type: 'string', default: '3' },
        'skip-build': { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'warn' },
        'cpu-prof': { type: 'string' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}
const positive = (name: string, v: string, integer = true): number => {
  const n = Number(v);
  if (!(n > 0) || (integer && !Number.isInteger(n))) usageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, not '${v}'`);
  return n;
};

if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const seconds = positive('seconds', opt.seconds, false);
const vpcs = opt.vpcs === undefined ? 0 : positive('vpcs', opt.vpcs);
const instanceSteps = opt.instances === undefined ? [] : opt.instances.split(',').map((n) => positive('instances', n.trim()));
for (let i = 1; i < instanceSteps.length; i++) if (instanceSteps[i] <= instanceSteps[i - 1]) usageError('--instances: counts must grow');
const scenarioLevels = instanceSteps.length ? (opt.openstack ? '1,16' : '16') : vpcs ? '16' : '1,16,64';
const levels = (opt.concurrency ?? process.env.BENCH_CONCURRENCY ?? scenarioLevels).split(',').map((c) => positive('concurrency', c.trim()));
const actions = (opt.actions ?? (instanceSteps.length ? '' : Object.keys(vpcs ? VPC_ACTIONS : BASE_ACTIONS).join(','))).split(',').map((a) => a.trim());
for (const a of actions.filter(Boolean)) if (!ACTIONS[a]) usageError(`--actions: unknown action '${a}'`);
const startupRuns = opt['startup-runs'] === '0' ? 0 : positive('startup-runs', opt['startup-runs']);
if (opt.workers !== undefined) positive('workers', opt.workers);
const driverName = opt.sdk ? 'sdk' : 'replay';

interface Cell {
  target: 'service' | 'ceiling';
  action: string;
  concurrency: number;
  requests: number;
  errors: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user+system, whole process tree) per answered request. */
  cpuMsPerReq: number;
  /** Server CPU time over wall time: 1 = one core busy. */
  serverCores: number;
  /** The bench process's own CPU over wall time (the load generator, plus the SDK in --sdk mode). */
  loadGenCores: number;
  /** Everything else the machine ran meanwhile (other users of a shared machine), in cores. */
  otherCores: number;
  peakRssMb: number;
  processes: number;
  upstreamPerReq?: number;
  vsCeiling?: { reqPerSec: number; p50Ms: number; p99Ms: number; cpuMsPerReq: number; peakRssMb: number };
}

async function metricSums(endpoint: string): Promise<{ upstream: number; requests: number }> {
  const text = (await send(endpoint, { method: 'GET', path: '/metrics', headers: {} })).body;
  const sum = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`)).reduce((a, l) => a + Number(l.split(' ').pop()), 0);
  return { upstream: sum('ec2api_upstream_requests_total'), requests: sum('ec2api_requests_total') };
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(digits)) : '-');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const COLUMNS = [
  ['action', 26], ['conc', 4], ['req/s', 14], ['p50 ms', 14], ['p99 ms', 14], ['CPU ms/req', 14], ['srv cores', 9],
  ['gen cores', 9], ['other', 6], ['RSS MB', 13], ['procs', 5], ['errors', 6],
] as const;
const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(COLUMNS[i][1]) : c.padStart(COLUMNS[i][1]))).join(' ');
const ratio = (r: number) => (r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toPrecision(2));
const withRatio = (v: number, r: number | undefined) => `${fmt(v)}${r === undefined || !Number.isFinite(r) ? '' : ` (${ratio(r)}×)`}`;

function printCell(c: Cell) {
  const r = c.vsCeiling;
  const cells = [
    c.target === 'ceiling' ? 'ceiling (static node:http)' : c.action, String(c.concurrency),
    withRatio(c.reqPerSec, r?.reqPerSec), withRatio(c.p50Ms, r?.p50Ms), withRatio(c.p99Ms, r?.p99Ms),
    withRatio(c.cpuMsPerReq, r?.cpuMsPerReq), fmt(c.serverCores), fmt(c.loadGenCores), fmt(c.otherCores, 1), withRatio(c.peakRssMb, r?.peakRssMb),
    String(c.processes), String(c.errors),
  ];
  console.log(row(cells) + (c.upstreamPerReq === undefined ? '' : `  ${fmt(c.upstreamPerReq)}`));
}

async function main() {
  const startedAt = new Date();
  const load0 = loadavg();
  if (!opt['skip-build']) {
    console.log('building dist/ (npm run build) …');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  }
  const env: Record<string, string> = { EC2API_LOG_LEVEL: opt['log-level'] };
  if (vpcs) env.EC2API_MAX_VPCS = String(vpcs + 5);
  if (instanceSteps.length && !opt.openstack) {
    // Quotas and boot time of the embedded cloud sized for the scenario.
    const conf = join(mkdtempSync(join(tmpdir(), 'ec2api-bench-conf-')), 'ec2api.conf');
    const most = instanceSteps[instanceSteps.length - 1];
    writeFileSync(conf, `[local]\nmax_instances = ${most + 100}\nmax_vcpus = ${(most + 100) * 8}\ninstance_boot_delay = 0\n`);
    env.EC2API_CONFIG = conf;
  }
  if (opt.workers !== undefined) env.EC2API_WORKERS = opt.workers;
  let region = 'us-east-1';
  let credentials: Target['credentials'] | undefined;
  if (opt.openstack) {
    const dir = process.env.EC2API_TESTCLOUD_DIR ?? join(root, '.testcloud');
    // The test cloud's configuration with a longer upstream timeout: its services are single workers on 2 cores.
    const conf = ini.parse(readFileSync(join(dir, 'ec2api.conf'), 'utf8'));
    conf.openstack = { ...conf.openstack, timeout: '60' };
    env.EC2API_CONFIG = join(mkdtempSync(join(tmpdir(), 'ec2api-bench-conf-')), 'ec2api.conf');
    writeFileSync(env.EC2API_CONFIG, ini.stringify(conf));
    const creds = ini.parse(readFileSync(join(dir, 'credentials'), 'utf8')).demo;
    credentials = { accessKeyId: creds.aws_access_key_id, secretAccessKey: creds.aws_secret_access_key };
    region = ini.parse(readFileSync(env.EC2API_CONFIG, 'utf8')).DEFAULT?.region_name ?? 'RegionOne';
  }

  let startup: StartupFigures | undefined;
  if (startupRuns > 0 && !opt.openstack) {
    console.log(`measuring start-up (${startupRuns} × first start + restart) …`);
    startup = await measureStartup(startupRuns, env, region);
  }

  const work = mkdtempSync(join(tmpdir(), 'ec2api-bench-'));
  const nodeArgs = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${opt['cpu-prof']}`] : [];
  const service = await spawnService({ dataDir: join(work, 'data'), env, nodeArgs });
  let ceiling: Spawned | undefined;
  let sdk: EC2Client | undefined;
  const keyNames: string[] = [];
  let made: Made[] = [];
  let creates: CreateFigures | undefined;
  const instanceIds: string[] = [];
  const growth: GrowFigures[] = [];
  const cells: Cell[] = [];
  const profileWindows: Window[] = [];
  try {
    await waitUntil(async () => (await send(service.endpoint, { method: 'GET', path: '/healthz', headers: {} })).status === 200, service.child, 60_000);
    credentials ??= localCredentials(join(work, 'data'));
    if (!credentials) throw new Error('the service wrote no credentials file');
    const serviceTarget: Target = { endpoint: service.endpoint, region, credentials };

    // A realistic little project: key pairs with 3 tags each.
    sdk = new EC2Client({ endpoint: service.endpoint, region, credentials, maxAttempts: 1 });
    const prefix = `bench-${Date.now()}`;
    for (let i = 0; i < KEY_PAIRS; i++) {
      keyNames.push(`${prefix}-${i}`);
      const k = await sdk.send(new CreateKeyPairCommand({ KeyName: `${prefix}-${i}`, KeyType: 'ed25519' }));
      await sdk.send(new CreateTagsCommand({
        Resources: [k.KeyPairId!], Tags: [{ Key: 'env', Value: 'bench' }, { Key: 'n', Value: String(i) }, { Key: 'owner', Value: 'bench' }],
      }));
    }

    if (vpcs) {
      console.log(`making ${vpcs} VPCs, each with a subnet, a security group and a network interface …`);
      // The test cloud's Neutron is one worker on 2 cores: 16 creators at once outlast the upstream timeout there.
      const p = await populate(sdk, vpcs, prefix, opt.openstack ? 4 : 16);
      made = p.made;
      creates = p.figures;
    }

    // The ceiling answers the document the service really returned for DescribeRegions.
    const real = await send(service.endpoint, await sdkSignedRequest(serviceTarget, ACTIONS.DescribeRegions));
    if (real.status !== 200) throw new Error(`DescribeRegions answered ${real.status}: ${real.body.slice(0, 300)}`);
    const docFile = join(work, 'describe-regions.json');
    writeFileSync(docFile, JSON.stringify({ contentType: real.headers['content-type'], body: real.body }));
    ceiling = await spawnCeiling(docFile);
    const ceilingTarget: Target = { ...serviceTarget, endpoint: ceiling.endpoint };

    await new Promise((r) => setTimeout(r, 1000));
    const idle = { serviceRssMb: treeRssMb(service.pid), ceilingRssMb: treeRssMb(ceiling.pid), serviceProcesses: processTree(service.pid).length };

    const backend = opt.openstack ? `OpenStack test cloud (region ${region})` : 'embedded cloud (SQLite)';
    console.log(`\nec2-api bench — ${opt.sdk ? 'end to end: @aws-sdk/client-ec2 drives the load' : 'server-bound: SDK-signed requests replayed by autocannon over keep-alive connections'}`);
    console.log(`backend: ${backend}; ${seconds} s per cell; ${KEY_PAIRS} key pairs × 3 tags; service log level ${opt['log-level']}`);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${load0.map((l) => l.toFixed(2)).join(' ')} at start; node ${process.version}`);
    console.log(`service: node dist/bundle/ec2-api-all.js, EC2API_WORKERS=${opt.workers ?? 'unset (service default)'}, ${idle.serviceProcesses} server process${idle.serviceProcesses === 1 ? '' : 'es'} measured`);
    if (startup) {
      const line = (xs: number[]) => `min ${xs.length ? Math.min(...xs).toFixed(0) : '-'} ms, median ${xs.length ? median(xs).toFixed(0) : '-'} ms`;
      console.log(`start-up to the first answered DescribeRegions (${startupRuns} run${startupRuns === 1 ? '' : 's'}): first start (creates store + credentials) ${line(startup.firstStartMs)}; restart ${line(startup.restartMs)}`);
    }
    console.log(`idle RSS: service ${fmt(idle.serviceRssMb, 1)} MB, ceiling ${fmt(idle.ceilingRssMb, 1)} MB`);
    if (creates) {
      console.log(`VPC scenario: ${creates.vpcs} sets made in ${creates.seconds.toFixed(1)} s by ${opt.openstack ? 4 : 16} clients; mean latency per call: ${
        Object.entries(creates.msPerCall).map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join(', ')}`);
    }
    console.log('figures: value (× the ceiling at the same concurrency); CPU and RSS summed over the server process tree;');
    console.log('cores busy during the cell: srv = the server, gen = this bench process (load generator), other = everything else\n');
    console.log(row(COLUMNS.map(([name]) => name)) + (opt.openstack ? '  upstream/req' : ''));

    const warm = new Set<string>();
    type Run = (connections: number, secs: number) => Promise<LoadResult>;
    /** Everything but the load itself happens here, outside the measured window. */
    const prepare = async (t: Target, action: string): Promise<Run> => {
      if (opt.sdk) return (c, secs) => sdkLoop(t, ACTIONS[action], c, secs);
      // Signed per cell, well inside the 15 minutes a signature stays valid.
      const signed = await sdkSignedRequest(t, ACTIONS[action]);
      const check = await send(t.endpoint, signed);
      if (check.status !== 200) throw new Error(`${action} answered ${check.status}: ${check.body.slice(0, 300)}`);
      return (c, secs) => replay(t.endpoint, signed, c, secs);
    };
    const measure = async (which: Cell['target'], proc: Spawned, t: Target, action: string, c: number): Promise<Cell> => {
      const run = await prepare(t, action);
      if (!warm.has(`${which} ${action}`)) {
        await run(16, Math.min(1, seconds)); // JIT and caches warm, outside the figures
        warm.add(`${which} ${action}`);
      }
      const m0 = which === 'service' ? await metricSums(t.endpoint) : undefined;
      const sampler = treeSampler(proc.pid);
      const cpu0 = treeCpuMs(proc.pid);
      const gen0 = process.cpuUsage();
      const busy0 = machineBusyMs();
      const w0 = process.hrtime.bigint();
      const r = await run(c, seconds);
      const w1 = process.hrtime.bigint();
      const cpuMs = treeCpuMs(proc.pid) - cpu0;
      const gen = process.cpuUsage(gen0);
      const busyMs = machineBusyMs() - busy0;
      const { peakRssMb, processes } = sampler.stop();
      if (which === 'service') profileWindows.push([Number(w0 / 1000n), Number(w1 / 1000n)]);
      const m1 = m0 ? await metricSums(t.endpoint) : undefined;
      const wallMs = Number(w1 - w0) / 1e6;
      const genMs = (gen.user + gen.system) / 1000;
      const cell: Cell = {
        target: which, action, concurrency: c, requests: r.ok, errors: r.errors, reqPerSec: r.ok / (wallMs / 1000),
        p50Ms: quantile(r.latencies, 0.5), p99Ms: quantile(r.latencies, 0.99), cpuMsPerReq: cpuMs / Math.max(1, r.ok),
        serverCores: cpuMs / wallMs, loadGenCores: genMs / wallMs, otherCores: Math.max(0, busyMs - cpuMs - genMs) / wallMs, peakRssMb, processes,
      };
      if (m0 && m1 && opt.openstack) cell.upstreamPerReq = (m1.upstream - m0.upstream) / Math.max(1, m1.requests - m0.requests);
      return cell;
    };

    const runCells = async (names: string[], label = '') => {
      for (const c of levels) {
        const top = await measure('ceiling', ceiling!, ceilingTarget, 'DescribeRegions', c);
        cells.push(top);
        printCell(top);
        for (const action of names) {
          const cell = await measure('service', service, serviceTarget, action, c);
          cell.action = `${action}${label}`;
          cell.vsCeiling = {
            reqPerSec: cell.reqPerSec / top.reqPerSec, p50Ms: cell.p50Ms / top.p50Ms, p99Ms: cell.p99Ms / top.p99Ms,
            cpuMsPerReq: cell.cpuMsPerReq / top.cpuMsPerReq, peakRssMb: cell.peakRssMb / top.peakRssMb,
          };
          cells.push(cell);
          printCell(cell);
        }
      }
    };
    if (actions.length && actions[0]) await runCells(actions);
    if (instanceSteps.length) {
      const spec = await launchSpec(sdk);
      console.log(`instances scenario: image ${spec.imageId}, type ${spec.instanceType}`);
      for (const to of instanceSteps) {
        const g = await grow(sdk, spec, instanceIds.length, to);
        instanceIds.push(...g.ids);
        growth.push(g.figures);
        console.log(`\n${g.figures.from} → ${to} instances in ${g.figures.seconds.toFixed(1)} s (RunInstances of 50: ${g.figures.msPerRun.toFixed(0)} ms mean; ${
          g.figures.perInstanceMs.toFixed(1)} ms per instance); RSS ${fmt(treeRssMb(service.pid), 1)} MB`);
        await runCells(instanceActionsAt(to), ` @${to}`);
      }
    }

    await new Promise((r) => setTimeout(r, 1000));
    const idleAfterMb = treeRssMb(service.pid);
    const load1 = loadavg();
    console.log(`\nidle RSS after the load: service ${fmt(idleAfterMb, 1)} MB; load average ${load1.map((l) => l.toFixed(2)).join(' ')} at the end`);

    if (opt.json) {
      writeFileSync(opt.json, `${JSON.stringify({
        startedAt: startedAt.toISOString(), mode: driverName, backend: opt.openstack ? 'openstack' : 'local', region, seconds,
        concurrency: levels, actions, keyPairs: KEY_PAIRS, vpcScenario: creates ?? null, instanceScenario: growth.length ? growth : null, logLevel: opt['log-level'], workersOption: opt.workers ?? null,
        machine: { cpus: cpus().length, model: cpus()[0]?.model.trim(), loadavgStart: load0, loadavgEnd: load1, node: process.version },
        serverProcesses: idle.serviceProcesses,
        startup: startup && {
          ...startup, firstStartMinMs: Math.min(...startup.firstStartMs), firstStartMedianMs: median(startup.firstStartMs),
          restartMinMs: Math.min(...startup.restartMs), restartMedianMs: median(startup.restartMs),
        },
        idle: { ...idle, serviceRssAfterLoadMb: idleAfterMb },
        cells,
      }, null, 2)}\n`);
      console.log(`figures written to ${opt.json}`);
    }
  } finally {
    if (opt.openstack && sdk) {
      await terminate(sdk, instanceIds);
      await depopulate(sdk, made);
      for (const KeyName of keyNames) await sdk.send(new DeleteKeyPairCommand({ KeyName })).catch(() => undefined);
    }
    sdk?.destroy();
    if (ceiling) await stop(ceiling.child);
    await stop(service.child);
    rmSync(work, { recursive: true, force: true });
  }
  if (opt['cpu-prof']) {
    writeFileSync(join(opt['cpu-prof'], WINDOWS_FILE), JSON.stringify(profileWindows));
    printHotSpots(hotSpots(profileFiles([opt['cpu-prof']]), 10, profileWindows), ' while the service cells ran');
  }
}

await main();
