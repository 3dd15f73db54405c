/**
 * Configuration: one INI file in the style of the original ec2api.conf, then
 * environment variables, then command-line flags (`--section.option=value`, or
 * `--option=value` for [DEFAULT]). Validated once at start-up; every message
 * names the bad option. The result is one typed, frozen object passed down
 * explicitly — no module reads configuration on import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import ini from 'ini';

type Kind = 'string' | 'int' | 'port' | 'bool' | 'list' | 'secret';
interface OptionSpec {
  kind: Kind;
  default: string;
  help: string;
  env?: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
}

export const OPTIONS = {
  DEFAULT: {
    cloud_backend: { kind: 'string', default: 'local', choices: ['local', 'openstack'], help: 'Where EC2 requests are realized: the embedded cloud or an OpenStack cloud.' },
    data_dir: { kind: 'string', default: './data', env: 'EC2API_DATA_DIR', help: 'Folder for the SQLite store, the first-start credentials and S3 objects.' },
    ec2api_listen: { kind: 'string', default: '127.0.0.1', help: 'Address the EC2 API listens on.' },
    ec2api_listen_port: { kind: 'port', default: '8788', env: 'EC2API_PORT', help: 'Port of the EC2 API.' },
    metadata_listen: { kind: 'string', default: '127.0.0.1', help: 'Address the metadata service listens on.' },
    metadata_listen_port: { kind: 'port', default: '8789', env: 'EC2API_METADATA_PORT', help: 'Port of the metadata service.' },
    s3_listen: { kind: 'string', default: '127.0.0.1', help: 'Address the S3 service listens on.' },
    s3_listen_port: { kind: 'port', default: '3334', env: 'EC2API_S3_PORT', help: 'Port of the S3 service.' },
    region_name: { kind: 'string', default: '', env: 'EC2API_REGION', help: 'Default region (SigV2 requests, first-start credentials). Default: us-east-1 on the embedded cloud, RegionOne on OpenStack.' },
    public_endpoint: { kind: 'string', default: '', help: 'URL of this EC2 API as clients reach it (DescribeRegions). Default: http://<the Host header of the request>.' },
    max_clock_skew: { kind: 'int', default: '900', min: 1, max: 86400, help: 'Seconds a signed request may be off the server clock (AWS: 900).' },
    log_level: { kind: 'string', default: 'info', env: 'EC2API_LOG_LEVEL', choices: ['debug', 'info', 'warn', 'error'], help: 'Lowest level logged.' },
    request_timeout: { kind: 'int', default: '60', min: 1, max: 3600, help: 'Seconds an EC2 request may take before it fails with an error.' },
    ec2api_workers: { kind: 'int', default: '0', min: 0, max: 1024, env: 'EC2API_WORKERS', help: 'Worker processes of the EC2 API, sharing its port. 0: one per core. 1 (with 1 for the other services started): no workers, one process.' },
    metadata_workers: { kind: 'int', default: '0', min: 0, max: 1024, env: 'EC2API_METADATA_WORKERS', help: 'Worker processes of the metadata service. 0: one per core.' },
    s3_workers: { kind: 'int', default: '0', min: 0, max: 1024, env: 'EC2API_S3_WORKERS', help: 'Worker processes of the S3 service. 0: one per core.' },
    graceful_shutdown_timeout: { kind: 'int', default: '30', min: 1, max: 3600, help: 'Seconds a stopping service (SIGTERM/SIGINT) waits for requests in flight before it closes their connections.' },
  },
  database: {
    connection: { kind: 'secret', default: '', env: 'EC2API_DATABASE_URL', help: 'sqlite:///path, mysql://user:pass@host/db or postgresql://user:pass@host/db. Default: SQLite in data_dir.' },
    max_pool_size: { kind: 'int', default: '10', min: 1, max: 1000, help: 'Connections per process (MySQL/PostgreSQL).' },
  },
  local: {
    availability_zones: { kind: 'list', default: 'a,b,c', help: 'Zone suffixes of every region of the embedded cloud (us-east-1a …).' },
    max_instances: { kind: 'int', default: '20', min: 0, help: 'Instance quota of a project.' },
    max_elastic_ips: { kind: 'int', default: '5', min: 0, help: 'Elastic IP quota of a project.' },
    max_volumes: { kind: 'int', default: '100', min: 0, help: 'Volume quota of a project.' },
    max_volume_gigabytes: { kind: 'int', default: '51200', min: 0, help: 'Total size of the volumes of a project, in GiB.' },
    max_snapshots: { kind: 'int', default: '10000', min: 0, help: 'Snapshot quota of a project.' },
    public_ip_pool: { kind: 'string', default: '198.51.100.0/24', help: 'Public IPv4 block of every region of the embedded cloud: elastic IPs and router gateways come from it (all but its first, second and last address).' },
    max_security_groups_per_interface: { kind: 'int', default: '5', min: 1, help: 'Security groups per network interface.' },
  },
  vpc: {
    default_vpc: { kind: 'bool', default: 'true', env: 'EC2API_DEFAULT_VPC', help: 'Give each project a default VPC per region (a default subnet per zone, an internet gateway and its route) on first use, as AWS accounts have.' },
    default_vpc_cidr: { kind: 'string', default: '172.31.0.0/16', help: 'CIDR block of default VPCs (AWS: 172.31.0.0/16); their subnets are its /20s, one per zone.' },
    max_vpcs: { kind: 'int', default: '5', min: 1, env: 'EC2API_MAX_VPCS', help: 'VPCs per project and region (AWS: 5), the default VPC included: VpcLimitExceeded above.' },
    max_subnets_per_vpc: { kind: 'int', default: '200', min: 1, help: 'Subnets per VPC (AWS: 200): SubnetLimitExceeded above.' },
    max_route_tables_per_vpc: { kind: 'int', default: '200', min: 1, help: 'Route tables per VPC, the main one included (AWS: 200): RouteTableLimitExceeded above.' },
    max_routes_per_route_table: { kind: 'int', default: '50', min: 1, help: 'Non-propagated routes per route table (AWS: 50): RouteLimitExceeded above.' },
    max_internet_gateways: { kind: 'int', default: '5', min: 1, help: 'Internet gateways per project and region (AWS: 5): InternetGatewayLimitExceeded above.' },
    max_security_groups_per_vpc: { kind: 'int', default: '2500', min: 1, help: 'Security groups per VPC (AWS: 2500): SecurityGroupLimitExceeded above.' },
    max_rules_per_security_group: { kind: 'int', default: '60', min: 1, help: 'Inbound (and separately outbound) rules per security group (AWS: 60): RulesPerSecurityGroupLimitExceeded above.' },
    max_private_ips_per_interface: { kind: 'int', default: '50', min: 1, help: 'Private IPv4 addresses per network interface: PrivateIpAddressLimitExceeded above.' },
  },
  keystone_authtoken: {
    auth_url: { kind: 'string', default: '', help: 'Keystone v3 URL, e.g. http://keystone:5000/v3.' },
    username: { kind: 'string', default: '', help: 'Service user of this EC2 API.' },
    password: { kind: 'secret', default: '', help: 'Its password.' },
    project_name: { kind: 'string', default: 'service', help: 'Its project.' },
    user_domain_name: { kind: 'string', default: 'Default', help: 'Its user domain.' },
    project_domain_name: { kind: 'string', default: 'Default', help: 'Its project domain.' },
  },
  openstack: {
    credential_cache_ttl: { kind: 'int', default: '60', min: 0, max: 86400, help: 'Seconds an EC2 secret read from Keystone is cached: a revoked or deleted credential keeps working at most this long.' },
    timeout: { kind: 'int', default: '10', min: 1, max: 600, help: 'Seconds per upstream HTTP call.' },
    max_connections: { kind: 'int', default: '32', min: 1, max: 1024, help: 'Concurrent connections per upstream service.' },
    interface: { kind: 'string', default: 'public', choices: ['public', 'internal', 'admin'], help: 'Catalog interface of the upstream endpoints.' },
  },
} as const satisfies Record<string, Record<string, OptionSpec>>;

type Value<S> = S extends { kind: infer K } ? K extends 'int' | 'port' ? number : K extends 'bool' ? boolean : K extends 'list' ? string[] : string : never;
export type Config = {
  readonly [Sec in keyof typeof OPTIONS]: { readonly [Opt in keyof (typeof OPTIONS)[Sec]]: Value<(typeof OPTIONS)[Sec][Opt]> };
} & { readonly source: string; readonly warnings: readonly string[] };

export class ConfigError extends Error {}

function convert(section: string, name: string, spec: OptionSpec, raw: string, origin: string): unknown {
  const where = `option [${section}] ${name} (from ${origin})`;
  const text = raw.trim();
  switch (spec.kind) {
    case 'int':
    case 'port': {
      if (!/^-?\d+$/.test(text)) throw new ConfigError(`${where}: '${raw}' is not an integer`);
      const n = Number(text);
      const min = spec.kind === 'port' ? 0 : spec.min;
      const max = spec.kind === 'port' ? 65535 : spec.max;
      if (min !== undefined && n < min) throw new ConfigError(`${where}: ${n} is below the minimum ${min}`);
      if (max !== undefined && n > max) throw new ConfigError(`${where}: ${n} is above the maximum ${max}`);
      return n;
    }
    case 'bool':
      if (/^(true|yes|on|1)$/i.test(text)) return true;
      if (/^(false|no|off|0)$/i.test(text)) return false;
      throw new ConfigError(`${where}: '${raw}' is not a boolean (true/false)`);
    case 'list':
      return text.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      if (spec.choices && !spec.choices.includes(text)) {
        throw new ConfigError(`${where}: '${raw}' is not one of ${spec.choices.join(', ')}`);
      }
      return text;
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  argv?: string[];
}

/** The configuration file to read: EC2API_CONFIG, else /etc/ec2api/ec2api.conf when it exists, else none. */
export function configPath(env: NodeJS.ProcessEnv, argv: string[]): string | undefined {
  const flag = argv.find((a) => a.startsWith('--config-file='));
  if (flag) return flag.slice('--config-file='.length);
  if (env.EC2API_CONFIG) return env.EC2API_CONFIG;
  return existsSync('/etc/ec2api/ec2api.conf') ? '/etc/ec2api/ec2api.conf' : undefined;
}

export function loadConfig({ env = process.env, argv = process.argv.slice(2) }: LoadOptions = {}): Config {
  const warnings: string[] = [];
  const file = configPath(env, argv);
  let parsed: Record<string, unknown> = {};
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`configuration file ${file} does not exist (EC2API_CONFIG / --config-file)`);
    parsed = ini.parse(readFileSync(file, 'utf8'));
  }
  // ini puts keys before the first section at top level: that is [DEFAULT].
  const fileSections: Record<string, Record<string, unknown>> = { DEFAULT: {} };
  for (const [k, v] of Object.entries(parsed)) {
    if (v !== null && typeof v === 'object') fileSections[k] = { ...(fileSections[k] ?? {}), ...(v as Record<string, unknown>) };
    else fileSections.DEFAULT[k] = v;
  }
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z_0-9]+)(?:\.([a-z_0-9]+))?=(.*)$/s.exec(arg); // option names have digits (ec2api_listen_port)
    if (!m || m[1] === 'config') continue;
    if (m[1] === 'config_file' || arg.startsWith('--config-file=')) continue;
    flags.set(m[2] ? `${m[1]}.${m[2]}` : `DEFAULT.${m[1]}`, m[3]);
  }

  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, specs] of Object.entries(OPTIONS) as [string, Record<string, OptionSpec>][]) {
    out[section] = {};
    const fromFile = fileSections[section] ?? {};
    for (const key of Object.keys(fromFile)) {
      if (!(key in specs)) warnings.push(`${file}: unknown option [${section}] ${key} ignored`);
    }
    for (const [name, spec] of Object.entries(specs)) {
      let raw = spec.default;
      let origin = 'default';
      if (fromFile[name] !== undefined) { raw = String(fromFile[name]); origin = file ?? 'file'; }
      if (spec.env && env[spec.env] !== undefined && env[spec.env] !== '') { raw = env[spec.env] as string; origin = `environment ${spec.env}`; }
      const flag = flags.get(`${section}.${name}`);
      if (flag !== undefined) { raw = flag; origin = `flag --${section === 'DEFAULT' ? '' : `${section}.`}${name}`; flags.delete(`${section}.${name}`); }
      out[section][name] = convert(section, name, spec, raw, origin);
    }
  }
  for (const key of Object.keys(fileSections)) {
    if (!(key in OPTIONS)) warnings.push(`${file}: section [${key}] is not used by this service`);
  }
  for (const key of flags.keys()) throw new ConfigError(`unknown flag --${key.replace(/^DEFAULT\./, '')}`);

  const d = out.DEFAULT;
  d.data_dir = resolve(String(d.data_dir));
  for (const name of ['ec2api_workers', 'metadata_workers', 's3_workers'] as const) {
    if (d[name] === 0) d[name] = availableParallelism();
  }
  if (!d.region_name) d.region_name = d.cloud_backend === 'openstack' ? 'RegionOne' : 'us-east-1';
  if (!out.database.connection) out.database.connection = `sqlite:///${resolve(String(d.data_dir), 'ec2api.db')}`;
  if (d.cloud_backend === 'openstack') {
    for (const name of ['auth_url', 'username', 'password'] as const) {
      if (!out.keystone_authtoken[name]) {
        throw new ConfigError(`option [keystone_authtoken] ${name} is required when [DEFAULT] cloud_backend = openstack`);
      }
    }
  }
  return Object.freeze({ ...out, source: file ?? 'built-in defaults', warnings }) as unknown as Config;
}

/** The EC2 API's URL when no request tells it (logs, the first-start hint). */
export const listenUrl = (config: Config) => `http://${config.DEFAULT.ec2api_listen}:${config.DEFAULT.ec2api_listen_port}`;

/** A sample configuration file, generated from the option table (etc/ec2api.conf.sample). */
export function sampleConfig(): string {
  const lines = ['# ec2api.conf — every option with its default. Generated by `ec2-api-manage config sample`.', ''];
  for (const [section, specs] of Object.entries(OPTIONS) as [string, Record<string, OptionSpec>][]) {
    lines.push(`[${section}]`);
    for (const [name, spec] of Object.entries(specs)) {
      lines.push(`# ${spec.help}${spec.env ? ` (environment: ${spec.env})` : ''}${spec.choices ? ` One of: ${spec.choices.join(', ')}.` : ''}`);
      lines.push(`#${name} = ${spec.default}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
