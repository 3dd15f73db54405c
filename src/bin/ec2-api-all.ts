#!/usr/bin/env node
/** All-in-one: the EC2 API, the metadata service and the S3 service in one process (the README's start command). */
import { runServices } from './services.js';

await runServices(['ec2', 'metadata', 's3']);
