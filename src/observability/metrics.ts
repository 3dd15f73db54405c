/** Prometheus metrics of one process, served at /metrics on the EC2 API port. */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ec2api_' });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
