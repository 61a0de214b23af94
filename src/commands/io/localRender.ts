/** The local stack as `local start` and `local status` show it: endpoints, process and counts. */
import type { HostEndpoints } from '../../infra/local/hostRecord.js';
import type { LocalStatus } from '../../infra/local/status.js';
import type { IoHost } from './ioHost.js';

export function endpointLines(endpoints: HostEndpoints): string[] {
  return [
    `dynamodb       ${endpoints.dynamodb}`,
    `sqs            ${endpoints.sqs}`,
    `stepfunctions  ${endpoints.stepfunctions}`,
    `api            ${endpoints.api}`,
  ];
}

export function renderLocalStatus(status: LocalStatus, io: IoHost): void {
  if (io.json) {
    io.dataJson(
      status.running
        ? status
        : {
            running: false,
            pid: null,
            uptimeSeconds: null,
            home: status.home,
            endpoints: null,
            counts: null,
          },
    );
    return;
  }
  if (!status.running) {
    io.data(`not running    data folder ${status.home}`);
    return;
  }
  io.data(
    [
      `running        pid ${status.pid} (${status.mode}), up ${status.uptimeSeconds} s`,
      `data folder    ${status.home}`,
      ...endpointLines(status.endpoints),
      `tables         ${status.counts.tables}`,
      `queues         ${status.counts.queues}`,
      `executions     ${status.counts.executions}`,
    ].join('\n'),
  );
}
