/**
 * /metrics across workers: the worker that serves the scrape asks the primary,
 * which collects every ready worker's registry over IPC and merges them with
 * prom-client's aggregator (counters and histograms summed), so a scrape that
 * lands on any worker sees the whole service.
 */
import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

const ASK = 'ec2api:metrics-ask';
const ANSWER = 'ec2api:metrics-answer';
const COLLECT = 'ec2api:metrics-collect';
const COLLECTED = 'ec2api:metrics-collected';
const TIMEOUT_MS = 3_000;

interface Message { type: string; id: number; text?: string; metrics?: MetricsJson; error?: string }
interface Channel {
  send(message: Message): unknown;
  on(event: 'message', listener: (m: Message) => void): unknown;
  off(event: 'message', listener: (m: Message) => void): unknown;
}

let nextId = 0;

/** Sends `message` and resolves with the reply of type `replyType` carrying the same id. */
function request(channel: Channel, type: string, replyType: string): Promise<Message> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (m: Message) => {
      if (m?.type !== replyType || m.id !== id) return;
      clearTimeout(timer);
      channel.off('message', onMessage);
      resolve(m);
    };
    const timer = setTimeout(() => {
      channel.off('message', onMessage);
      reject(new Error(`no ${replyType} within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    channel.on('message', onMessage);
    channel.send({ type, id });
  });
}

const processChannel = (): Channel => process as unknown as Channel;

/** Worker: answers the primary's collection requests with this registry. */
export function answerMetricsCollection(registry: Registry): void {
  process.on('message', (m: Message) => {
    if (m?.type !== COLLECT) return;
    registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: COLLECTED, id: m.id, metrics }),
      (e: Error) => process.send?.({ type: COLLECTED, id: m.id, error: e.message }),
    );
  });
}

/** Worker: the metrics of every worker, in Prometheus text. */
export async function clusterMetricsText(): Promise<string> {
  const answer = await request(processChannel(), ASK, ANSWER);
  if (answer.error !== undefined || answer.text === undefined) throw new Error(answer.error ?? 'no metrics');
  return answer.text;
}

/** Primary: serves a worker's ASK by collecting from `workers()` (the ready ones). */
export function serveMetricsAsks(worker: Worker, workers: () => Worker[], onPartial: (missing: number) => void): void {
  worker.on('message', (m: Message) => {
    if (m?.type !== ASK) return;
    void (async () => {
      const targets = workers().filter((w) => w.isConnected());
      const replies = await Promise.all(targets.map((w) => request(w as unknown as Channel, COLLECT, COLLECTED).catch(() => undefined)));
      const got = replies.filter((r): r is Message & { metrics: MetricsJson } => Array.isArray(r?.metrics));
      if (got.length < targets.length) onPartial(targets.length - got.length);
      try {
        const text = await AggregatorRegistry.aggregate(got.map((r) => r.metrics)).metrics();
        if (worker.isConnected()) worker.send({ type: ANSWER, id: m.id, text });
      } catch (e) {
        if (worker.isConnected()) worker.send({ type: ANSWER, id: m.id, error: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
}
