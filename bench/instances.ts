/**
 * The instances scenario of `npm run bench -- --instances LIST`: the project grows to each count of LIST in
 * turn (RunInstances in batches, 16 clients at once; create figures), and after each step the load cells run:
 * DescribeInstances by InstanceId at every step, so that the growth of its cost with the number of instances
 * is visible, and DescribeInstances in full, paged and filtered by tag while the answer stays a sane size.
 * On OpenStack everything is terminated again at the end.
 */
import {
  DescribeImagesCommand, DescribeInstancesCommand, DescribeInstanceTypesCommand, type EC2Client, RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { Call } from './load.js';

/** A full answer costs about 3 kB per instance: above this many, only the id lookup is loaded. */
export const FULL_DESCRIBE_MAX = 1000;
const BATCH = 50;

/** Filled by `grow`: the cells name objects that exist. */
const picked = { instanceId: '', tag: '' };

export const INSTANCE_ACTIONS: Record<string, Call> = {
  'DescribeInstances/id': (c) => c.send(new DescribeInstancesCommand({ InstanceIds: [picked.instanceId] })),
  DescribeInstances: (c) => c.send(new DescribeInstancesCommand({})),
  'DescribeInstances/page': (c) => c.send(new DescribeInstancesCommand({ MaxResults: 50 })),
  'DescribeInstances/tag': (c) => c.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:batch', Values: [picked.tag] }] })),
};

/** The cells that make sense with `count` instances. */
export const instanceActionsAt = (count: number): string[] =>
  count <= FULL_DESCRIBE_MAX ? Object.keys(INSTANCE_ACTIONS) : ['DescribeInstances/id'];

export interface LaunchSpec { imageId: string; instanceType: string }

/** The image and the smallest instance type the backend offers. */
export async function launchSpec(sdk: EC2Client): Promise<LaunchSpec> {
  const images = (await sdk.send(new DescribeImagesCommand({ Filters: [{ Name: 'architecture', Values: ['x86_64'] }] }))).Images ?? [];
  const image = images.find((i) => String(i.Platform ?? '').toLowerCase() !== 'windows') ?? images[0];
  if (!image?.ImageId) throw new Error('no image to launch');
  const types = (await sdk.send(new DescribeInstanceTypesCommand({}))).InstanceTypes ?? [];
  const smallest = [...types].sort((a, b) => (a.MemoryInfo?.SizeInMiB ?? 0) - (b.MemoryInfo?.SizeInMiB ?? 0))[0];
  if (!smallest?.InstanceType) throw new Error('no instance type');
  return { imageId: image.ImageId, instanceType: smallest.InstanceType };
}

export interface GrowFigures { from: number; to: number; seconds: number; msPerRun: number; perInstanceMs: number }

/** Runs instances until the project has `to` (it has `have`); every batch gets the tag batch=<n>. Returns the ids made. */
export async function grow(sdk: EC2Client, spec: LaunchSpec, have: number, to: number, concurrency = 16): Promise<{ ids: string[]; figures: GrowFigures }> {
  const batches: number[] = [];
  for (let left = to - have; left > 0; left -= BATCH) batches.push(Math.min(BATCH, left));
  const ids: string[] = [];
  const spent: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
    for (let b = next++; b < batches.length; b = next++) {
      const tag = `${have}-${b}`;
      const t = performance.now();
      const r = await sdk.send(new RunInstancesCommand({
        ImageId: spec.imageId, InstanceType: spec.instanceType as never, MinCount: batches[b], MaxCount: batches[b],
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'batch', Value: tag }] }],
      }));
      spent.push(performance.now() - t);
      const made = (r.Instances ?? []).map((i) => i.InstanceId as string);
      ids.push(...made);
      if (!picked.instanceId) Object.assign(picked, { instanceId: made[0], tag });
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const msPerRun = spent.reduce((a, b) => a + b, 0) / Math.max(1, spent.length);
  return { ids, figures: { from: have, to, seconds, msPerRun, perInstanceMs: (seconds * 1000) / Math.max(1, to - have) } };
}

export async function terminate(sdk: EC2Client, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    await sdk.send(new TerminateInstancesCommand({ InstanceIds: ids.slice(i, i + 100) })).catch(() => undefined);
  }
}
