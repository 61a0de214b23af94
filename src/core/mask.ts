/**
 * Masks a bank account (or any identifier) for display: only the last four characters survive, so
 * operators can tell accounts apart without the output ever carrying a usable number.
 */
export function maskAccount(account: string): string {
  const trimmed = account.trim();
  // Very short values would be fully revealed by "last four"; show only the mask then.
  if (trimmed.length <= 4) return '••••';
  return `••••${trimmed.slice(-4)}`;
}
