/**
 * What Ctrl-C leaves behind, said by the CLI's interrupt handler: a command that started work
 * which outlives it (a CloudFormation deployment goes on without us) sets the notice while that
 * work runs.
 */
let notice: string | undefined;

export function interruptNotice(): string | undefined {
  return notice;
}

/** Sets the notice while `work` runs. */
export async function withInterruptNotice<T>(text: string, work: () => Promise<T>): Promise<T> {
  const previous = notice;
  notice = text;
  try {
    return await work();
  } finally {
    notice = previous;
  }
}
