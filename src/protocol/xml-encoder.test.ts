/** The encoder's document shape on a few fixed cases (the round-trip test checks every operation against the SDK's parser). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ec2Error } from '../errors/ec2-error.js';
import { operationModel } from './model.js';
import { encodeError, encodeOutput, escapeXml, OutputShapeError } from './xml-encoder.js';

test('a response: declaration, namespace, request id, members in model order, lists as items, text escaped', () => {
  const xml = encodeOutput(operationModel('DescribeRegions')!, {
    Regions: [{ RegionName: 'r<1>', Endpoint: 'http://h/?a=1&b="2"' }, { RegionName: "r'2" }],
  }, 'req-&');
  assert.equal(xml, '<?xml version="1.0" encoding="UTF-8"?><DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    + '<requestId>req-&amp;</requestId><regionInfo>'
    + '<item><regionName>r&lt;1&gt;</regionName><regionEndpoint>http://h/?a=1&amp;b=&quot;2&quot;</regionEndpoint></item>'
    + '<item><regionName>r&apos;2</regionName></item></regionInfo></DescribeRegionsResponse>');
});

test('no output → <return>true</return>; an empty list → an empty element', () => {
  assert.match(encodeOutput(operationModel('DeleteVpc')!, undefined, 'r'), /<requestId>r<\/requestId><return>true<\/return><\/DeleteVpcResponse>$/);
  assert.match(encodeOutput(operationModel('DescribeRegions')!, { Regions: [] }, 'r'), /<regionInfo><\/regionInfo>/);
});

test('a field the model does not know is a bug of the action, not silently dropped', () => {
  assert.throws(() => encodeOutput(operationModel('DescribeRegions')!, { Regions: [{ RegionName: 'a' }, { Nope: 1 }] }, 'r'),
    new OutputShapeError('DescribeRegions.Regions[1].Nope: not a member of Region'));
  assert.throws(() => encodeOutput(operationModel('DescribeRegions')!, { Regions: {} }, 'r'), new OutputShapeError('DescribeRegions.Regions: expected an array'));
});

test('the error document', () => {
  assert.equal(encodeError(new Ec2Error('InvalidParameterValue', 'a < b & c'), 'id'),
    '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidParameterValue</Code><Message>a &lt; b &amp; c</Message></Error></Errors><RequestID>id</RequestID></Response>');
  assert.equal(escapeXml('plain'), 'plain');
  assert.equal(escapeXml('&&'), '&amp;&amp;');
});
