/** The decoder's rules on their own, over the generated model: empty required values, required members at every depth. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ec2Error } from '../errors/ec2-error.js';
import { OPERATION_NAMES, operationModel } from './model.js';
import { decodeInput } from './query-decoder.js';

const decode = (op: string, params: Record<string, string>) => decodeInput(operationModel(op)!, params);
const missing = (param: string) => (e: unknown) => e instanceof Ec2Error && e.code === 'MissingParameter' && e.message === `The request must contain the parameter ${param}`;

test('an empty value of a required parameter is a missing parameter', () => {
  assert.throws(() => decode('ImportKeyPair', { KeyName: 'k', PublicKeyMaterial: '' }), missing('PublicKeyMaterial'));
  assert.throws(() => decode('ImportKeyPair', { KeyName: '', PublicKeyMaterial: 'c3NoLWVkMjU1MTk=' }), missing('KeyName'));
  assert.throws(() => decode('DeleteVpc', { VpcId: '' }), missing('VpcId'));
  // Nested: a required member of a structure inside a list, named by its full path.
  const prefixList = { PrefixListName: 'p', MaxEntries: '2', AddressFamily: 'IPv4' };
  assert.throws(() => decode('CreateManagedPrefixList', { ...prefixList, 'Entry.1.Cidr': '', 'Entry.1.Description': 'd' }), missing('Entry.1.Cidr'));
  assert.deepEqual(decode('CreateManagedPrefixList', { ...prefixList, 'Entry.1.Cidr': '10.0.0.0/8' }),
    { PrefixListName: 'p', MaxEntries: 2, AddressFamily: 'IPv4', Entries: [{ Cidr: '10.0.0.0/8' }] });
});

test('an empty value of an optional parameter is a value', () => {
  assert.deepEqual(decode('DescribeKeyPairs', { 'KeyName.1': '' }), { KeyNames: [''] });
  assert.deepEqual(decode('CreateManagedPrefixList', { ...{ PrefixListName: 'p', MaxEntries: '2', AddressFamily: 'IPv4' }, 'Entry.1.Cidr': 'c', 'Entry.1.Description': '' }).Entries,
    [{ Cidr: 'c', Description: '' }]);
});

test('every operation: each required member, sent empty, is answered MissingParameter naming it', () => {
  let checked = 0;
  for (const name of OPERATION_NAMES) {
    const op = operationModel(name)!;
    const required = op.input.members.filter((m) => m.required);
    for (const member of required) {
      assert.throws(() => decodeInput(op, { [member.queryName]: '' }), (e) => {
        // Another required member may be reported first; the empty one must never pass as a value.
        assert.ok(e instanceof Ec2Error && e.code === 'MissingParameter', `${name}.${member.queryName}: ${e}`);
        return true;
      });
      // With every other required member present (where a plain value can stand for it), the error names this one.
      const others = Object.fromEntries(required.filter((m) => m !== member && m.shape.kind === 'string').map((m) => [m.queryName, m.enumValues?.[0] ?? 'x']));
      if (Object.keys(others).length === required.length - 1 && member.shape.kind === 'string') {
        assert.throws(() => decodeInput(op, { ...others, [member.queryName]: '' }), missing(member.queryName), `${name}.${member.queryName}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `only ${checked} required string members checked on their own`);
});
