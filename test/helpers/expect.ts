/** Assertions for EC2 errors as the SDK surfaces them. */
import assert from 'node:assert/strict';

export async function expectEc2Error(p: Promise<unknown>, code: string, opts: { status?: number; message?: RegExp } = {}) {
  try {
    await p;
  } catch (e) {
    const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name ?? err.Code, code, `expected ${code}, got ${err.name}: ${err.message}`);
    if (opts.status !== undefined) assert.equal(err.$metadata?.httpStatusCode, opts.status, `HTTP status of ${code}`);
    if (opts.message) assert.match(err.message ?? '', opts.message);
    return err;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}
