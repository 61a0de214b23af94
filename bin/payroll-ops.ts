#!/usr/bin/env node
import { cli } from '../src/cli.js';

const code = await cli(process.argv);
process.exitCode = code;
// Exit once the command is done even if an SDK client still holds a keep-alive socket.
setTimeout(() => process.exit(code), 0).unref();
