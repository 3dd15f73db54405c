#!/usr/bin/env node
import { runServices } from './services.js';

await runServices(['ec2']);
