/** What `deploy` does, on any target: apply, show the changes only, or synthesize offline. */
export const DeployMode = { Deploy: 'deploy', Diff: 'diff', DryRun: 'dry-run' } as const;
export type DeployMode = (typeof DeployMode)[keyof typeof DeployMode];
