/**
 * The running service loads no @aws-sdk or @smithy module: the wire model comes from
 * the generated compact file (the SDK stays for types, tests and codegen). The real
 * entry point is started with a module recorder, answers requests (a success and
 * a decoder error), and the list of every module it loaded is checked.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DescribeRegionsCommand, EC2Client, ImportKeyPairCommand } from '@aws-sdk/client-ec2';
import ini from 'ini';
import { expectEc2Error } from '../helpers/expect.js';
import { cleanEnv, freePort, live, spawnNode, stop, waitReady } from '../helpers/processes.js';

after(() => { for (const p of live) p.kill('SIGKILL'); });

test('the service entry point loads no @aws-sdk or @smithy module at run time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2api-imports-'));
  const record = join(dir, 'modules.txt');
  const port = await freePort();
  const recorder = new URL('../helpers/record-modules.mjs', import.meta.url).pathname;
  const env = cleanEnv({ EC2API_DATA_DIR: dir, EC2API_PORT: String(port), EC2API_LOG_LEVEL: 'warn', RECORD_MODULES: record });
  const r = spawnNode('src/bin/ec2-api.ts', env, [], ['--import', recorder]);
  await waitReady(r, port);

  const cred = ini.parse(readFileSync(join(dir, 'credentials'), 'utf8')).default;
  const client = new EC2Client({
    endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', maxAttempts: 1,
    credentials: { accessKeyId: cred.aws_access_key_id, secretAccessKey: cred.aws_secret_access_key },
  });
  try {
    const { Regions } = await client.send(new DescribeRegionsCommand({ RegionNames: ['us-east-1'] }));
    assert.deepEqual(Regions?.map((x) => x.RegionName), ['us-east-1']);
    await expectEc2Error(client.send(new ImportKeyPairCommand({ KeyName: 'k', PublicKeyMaterial: new Uint8Array() })), 'MissingParameter', { message: /PublicKeyMaterial/ });
  } finally {
    client.destroy();
  }
  assert.equal((await stop(r)).code, 0);

  const loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf(' ') + 1));
  // The recorder works: it saw the service's own modules (ESM) and its CommonJS dependencies.
  for (const expected of ['/src/protocol/generated/model.ts', '/src/server/pipeline.ts', '/node_modules/better-sqlite3/', '/node_modules/kysely/']) {
    assert.ok(loaded.some((u) => u.includes(expected)), `the recorder did not see ${expected}`);
  }
  const sdk = loaded.filter((u) => /\/node_modules\/@(aws-sdk|smithy)\//.test(u));
  assert.deepEqual(sdk, [], 'modules of the AWS SDK loaded at run time');
});
