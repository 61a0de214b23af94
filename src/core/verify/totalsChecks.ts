/**
 * The run's frozen totals against its payslips, and the employer's funding against the totals:
 * debited net pay plus taxes, and refunded in full after a rollback.
 */
import { formatCents } from '../money.js';
import { sumPayslips } from '../payroll/grossToNet.js';
import { RunStatus, StepName, StepStatus } from '../saga/steps.js';
import { fundingDebitOf } from '../saga/totals.js';
import { differingFields, totalsFields } from './amountFields.js';
import { CheckName, fail, pass, undone, type VerifyCheck, type VerifyData } from './verifyCheck.js';

/** The totals FundPayroll froze equal the sum of the stored payslips (ISSUED or VOID alike). */
export function checkRunTotals(data: VerifyData): VerifyCheck {
  const { run } = data;
  if (!run.totals) {
    return run.status === RunStatus.Completed
      ? fail(CheckName.RunTotals, 'the run is COMPLETED but has no totals')
      : pass(CheckName.RunTotals, 'no totals frozen: the run stopped before FundPayroll');
  }
  const summed = sumPayslips(data.payslips.map((payslip) => payslip.amounts));
  const expected = { ...summed, fundingDebit: fundingDebitOf(summed) };
  const differences = differingFields(totalsFields(run.totals), totalsFields(expected), {
    actual: 'on the run',
    expected: 'from payslips',
  });
  if (differences.length > 0) return fail(CheckName.RunTotals, differences.join('; '));
  return pass(
    CheckName.RunTotals,
    `${summed.employees} payslips sum to the totals (net ${formatCents(summed.net)}, gross ${formatCents(summed.gross)})`,
  );
}

/** One debit of exactly totals.fundingDebit (net pay + every tax), and no refund unless rolled back. */
export function checkFunding(data: VerifyData): VerifyCheck {
  const { run, funding } = data;
  const problems: string[] = [];
  const funded = run.steps.FundPayroll?.status === StepStatus.Succeeded;
  if (!funding.debit) {
    if (funded || run.status === RunStatus.Completed)
      problems.push('FundPayroll succeeded but no debit is recorded');
  } else if (!run.totals) {
    problems.push(`debit of ${formatCents(funding.debit.amount)} recorded but the run has no totals`);
  } else if (funding.debit.amount !== run.totals.fundingDebit) {
    problems.push(
      `debit ${formatCents(funding.debit.amount)}, totals fundingDebit ${formatCents(run.totals.fundingDebit)} (net + taxes)`,
    );
  }
  if (funding.refund && !undone(data, StepName.FundPayroll)) {
    problems.push(
      `refund of ${formatCents(funding.refund.amount)} recorded but FundPayroll was not compensated (run ${run.status})`,
    );
  }
  if (problems.length > 0) return fail(CheckName.Funding, problems.join('; '));
  if (!funding.debit) return pass(CheckName.Funding, 'the employer was not debited');
  const taxes = funding.debit.amount - (run.totals?.net ?? 0);
  return pass(
    CheckName.Funding,
    `debit ${formatCents(funding.debit.amount)} = net ${formatCents(run.totals?.net ?? 0)} + taxes ${formatCents(taxes)}`,
  );
}

/** Refunded in full once FundPayroll is compensated; not refunded while an older undo is pending. */
export function checkFundingRefund(data: VerifyData): VerifyCheck {
  const { debit, refund } = data.funding;
  if (!undone(data, StepName.FundPayroll)) {
    return refund
      ? fail(
          CheckName.FundingRefund,
          `refund of ${formatCents(refund.amount)} before FundPayroll was compensated`,
        )
      : pass(CheckName.FundingRefund, 'not refunded: the rollback did not reach FundPayroll');
  }
  if (!debit) {
    return refund
      ? fail(CheckName.FundingRefund, `refund of ${formatCents(refund.amount)} without a debit`)
      : pass(CheckName.FundingRefund, 'the employer was never debited');
  }
  if (!refund) return fail(CheckName.FundingRefund, `debit of ${formatCents(debit.amount)} not refunded`);
  const difference = debit.amount - refund.amount;
  if (difference !== 0) {
    return fail(
      CheckName.FundingRefund,
      `debit ${formatCents(debit.amount)} − refund ${formatCents(refund.amount)} = ${formatCents(difference)}`,
    );
  }
  return pass(CheckName.FundingRefund, `debit of ${formatCents(debit.amount)} refunded in full`);
}
