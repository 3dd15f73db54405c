/**
 * Start-up time: from spawning the service to its first successfully answered DescribeRegions.
 * A first start on an empty data folder also creates the store and the credentials; a restart
 * reuses both. Each run gets a fresh data folder.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import ini from 'ini';
import { sdkSignedRequest, type Target } from './load.js';
import { freePorts, type RawRequest, send, spawnService, stop, waitUntil } from './processes.js';

export interface StartupFigures {
  firstStartMs: number[];
  restartMs: number[];
}

export function localCredentials(dataDir: string): Target['credentials'] | undefined {
  const file = join(dataDir, 'credentials');
  if (!existsSync(file)) return undefined;
  const c = ini.parse(readFileSync(file, 'utf8')).default;
  return c?.aws_access_key_id && c?.aws_secret_access_key ? { accessKeyId: c.aws_access_key_id, secretAccessKey: c.aws_secret_access_key } : undefined;
}

async function timeToFirstAnswer(dataDir: string, env: Record<string, string>, region: string): Promise<number> {
  const ports = await freePorts();
  const endpoint = `http://127.0.0.1:${ports[0]}`;
  const sign = async (credentials: Target['credentials']) => sdkSignedRequest({ endpoint, region, credentials }, (c) => c.send(new DescribeRegionsCommand({})));
  // On a restart the credentials exist already: sign before the clock starts.
  const known = localCredentials(dataDir);
  let signed: RawRequest | undefined = known ? await sign(known) : undefined;
  const started = performance.now();
  const s = await spawnService({ dataDir, env, ports });
  try {
    await waitUntil(async () => {
      if (!signed) {
        const creds = localCredentials(dataDir);
        if (!creds) return false;
        signed = await sign(creds);
      }
      return (await send(endpoint, signed)).status === 200;
    }, s.child, 60_000);
    return performance.now() - started;
  } finally {
    await stop(s.child);
  }
}

export async function measureStartup(runs: number, env: Record<string, string>, region: string): Promise<StartupFigures> {
  // The SDK's first use loads and initializes modules; do it before any clock runs.
  await sdkSignedRequest({ endpoint: 'http://127.0.0.1:1', region, credentials: { accessKeyId: 'AKIDWARMUP', secretAccessKey: 'warm-up' } },
    (c) => c.send(new DescribeRegionsCommand({})));
  const out: StartupFigures = { firstStartMs: [], restartMs: [] };
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'ec2api-bench-start-'));
    try {
      out.firstStartMs.push(await timeToFirstAnswer(dataDir, env, region));
      out.restartMs.push(await timeToFirstAnswer(dataDir, env, region));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return out;
}
