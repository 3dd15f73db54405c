/**
 * Corrections to the official model, each with its reason. Kept apart so the
 * model itself is never hand-edited.
 */

/** Members whose model enum is narrower than what EC2 accepts: their values are checked by the action instead. */
export const OPEN_ENUMS = new Set<string>([
  // AWS accepts all six account attribute names; the model's enum lists only two.
  'DescribeAccountAttributesRequest.AttributeNames',
  // AWS takes any Domain ('', 'xyz', 'standard' on a VPC-only account) and allocates a VPC address.
  'AllocateAddressRequest.Domain',
]);
