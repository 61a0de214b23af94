/**
 * The order a rollback undoes things in. Compensations depend on each other: the employer is
 * refunded, the payroll journal reversed and the payslips voided only once the money they paid
 * has come back. An older step undone while a newer one is still standing (its compensation
 * FAILED or NOT_RUN) is exactly the state that refunds an employer whose employees kept the pay.
 */
import { compensationOf } from '../saga/compensations.js';
import { COMPENSABLE_STEPS, CompensationStatus, isSettled } from '../saga/steps.js';
import { CheckName, type VerifyCheck, type VerifyData, verdict } from './verifyCheck.js';

export function checkCompensationOrder(data: VerifyData): VerifyCheck {
  const { run } = data;
  const problems: string[] = [];
  COMPENSABLE_STEPS.forEach((older, index) => {
    if (compensationOf(run, older)?.status !== CompensationStatus.Compensated) return;
    for (const newer of COMPENSABLE_STEPS.slice(index + 1)) {
      const latest = compensationOf(run, newer);
      if (latest && !isSettled(latest.status)) {
        problems.push(`${older} was undone while the compensation of ${newer} is ${latest.status}`);
      }
    }
  });
  const halted = COMPENSABLE_STEPS.filter((step) => {
    const latest = compensationOf(run, step);
    return latest !== undefined && !isSettled(latest.status);
  });
  return verdict(
    CheckName.CompensationOrder,
    problems,
    halted.length > 0
      ? `the rollback halted at ${halted[halted.length - 1]}; nothing older was undone`
      : 'compensations ran newest first, none left pending',
  );
}
