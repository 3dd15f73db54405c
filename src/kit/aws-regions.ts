/**
 * The AWS commercial region names the embedded cloud serves (each with its own
 * resources, as real EC2), with their opt-in status and short zone-id prefix.
 * AWS: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
export interface AwsRegion { name: string; optIn: boolean; zoneIdPrefix: string }

const rows: [string, boolean, string][] = [
  ['us-east-1', false, 'use1'], ['us-east-2', false, 'use2'], ['us-west-1', false, 'usw1'], ['us-west-2', false, 'usw2'],
  ['af-south-1', true, 'afs1'], ['ap-east-1', true, 'ape1'], ['ap-east-2', true, 'ape2'], ['ap-south-1', false, 'aps1'],
  ['ap-south-2', true, 'aps2'], ['ap-southeast-1', false, 'apse1'], ['ap-southeast-2', false, 'apse2'],
  ['ap-southeast-3', true, 'apse3'], ['ap-southeast-4', true, 'apse4'], ['ap-southeast-5', true, 'apse5'],
  ['ap-southeast-6', true, 'apse6'], ['ap-southeast-7', true, 'apse7'], ['ap-northeast-1', false, 'apne1'],
  ['ap-northeast-2', false, 'apne2'], ['ap-northeast-3', false, 'apne3'], ['ca-central-1', false, 'cac1'],
  ['ca-west-1', true, 'caw1'], ['eu-central-1', false, 'euc1'], ['eu-central-2', true, 'euc2'], ['eu-west-1', false, 'euw1'],
  ['eu-west-2', false, 'euw2'], ['eu-west-3', false, 'euw3'], ['eu-south-1', true, 'eus1'], ['eu-south-2', true, 'eus2'],
  ['eu-north-1', false, 'eun1'], ['il-central-1', true, 'ilc1'], ['me-south-1', true, 'mes1'], ['me-central-1', true, 'mec1'],
  ['mx-central-1', true, 'mxc1'], ['sa-east-1', false, 'sae1'],
];

export const AWS_REGIONS: readonly AwsRegion[] = rows.map(([name, optIn, zoneIdPrefix]) => ({ name, optIn, zoneIdPrefix }));
const byName = new Map(AWS_REGIONS.map((r) => [r.name, r]));
export const awsRegion = (name: string) => byName.get(name);
