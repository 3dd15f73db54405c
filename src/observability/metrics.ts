/** Prometheus metrics of one process, served at /metrics on the EC2 API port. */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

type CounterChild = ReturnType<Counter['labels']>;
type HistogramChild = ReturnType<Histogram['labels']>;

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'ec2api_requests_total', help: 'EC2 API requests by action, HTTP status and EC2 error code.',
    labelNames: ['action', 'status', 'code'], registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'ec2api_request_duration_seconds', help: 'EC2 API request duration by action.',
    labelNames: ['action'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly upstreamCalls = new Counter({
    name: 'ec2api_upstream_requests_total', help: 'HTTP calls to the cloud backend, by service, method and status.',
    labelNames: ['service', 'method', 'status'], registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'ec2api_upstream_request_duration_seconds', help: 'Duration of HTTP calls to the cloud backend.',
    labelNames: ['service'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });

  readonly upstreamPerRequest = new Histogram({
    name: 'ec2api_upstream_calls_per_request', help: 'Upstream HTTP calls one EC2 request made (OpenStack backend), by action.',
    labelNames: ['action'], buckets: [0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64], registers: [this.registry],
  });

  private readonly requestChildren = new Map<string, CounterChild>();
  private readonly durationChildren = new Map<string, HistogramChild>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ec2api_' });
  }

  /**
   * One finished EC2 request. The labelled children are kept (action, status and code come
   * from small closed sets), so a request costs no label hashing and no label object.
   */
  observeRequest(action: string, status: number, code: string, seconds: number): void {
    const key = `${action} ${status} ${code}`;
    let counter = this.requestChildren.get(key);
    if (!counter) {
      counter = this.requests.labels(action, String(status), code);
      this.requestChildren.set(key, counter);
    }
    counter.inc();
    let histogram = this.durationChildren.get(action);
    if (!histogram) {
      histogram = this.duration.labels(action);
      this.durationChildren.set(action, histogram);
    }
    histogram.observe(seconds);
  }

  /** Upstream calls of one finished request (only the OpenStack backend makes any). */
  observeUpstreamCalls(action: string, calls: number): void {
    let histogram = this.upstreamChildren.get(action);
    if (!histogram) {
      histogram = this.upstreamPerRequest.labels(action);
      this.upstreamChildren.set(action, histogram);
    }
    histogram.observe(calls);
  }

  private readonly upstreamChildren = new Map<string, HistogramChild>();

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
