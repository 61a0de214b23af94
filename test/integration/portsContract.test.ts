/** The ports contract against the in-memory fakes and against the DynamoDB/SQS adapters. */

import { startDynamoPorts } from '../support/dynamoPorts.js';
import { createMemoryPorts, fixedClock } from '../support/memoryPorts.js';
import { portsContract } from '../support/portsContract.js';

portsContract('in-memory fakes', async () => ({
  ports: createMemoryPorts({ clock: fixedClock('2026-03-31T15:00:00.000Z') }),
  close: async () => {},
}));

portsContract('DynamoDB and SQS adapters', () => startDynamoPorts(fixedClock('2026-03-31T15:00:00.000Z')));
