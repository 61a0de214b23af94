/**
 * Off-cycle payments CSV → validated payments. Columns: employee_id, amount, kind (any order);
 * amounts are decimals with at most two places, above 0; kind is bonus, commission, retro or
 * correction. One row per employee and kind (see PaymentsCollector). The first problem stops the
 * parse with one line naming file, row, column and the fix, like the roster and timesheet.
 */
import { type CsvCells, parseCsvRecords } from './csvRecords.js';
import { EMPLOYEE_ID_RULE, isEmployeeId } from './employeeId.js';
import { BadInputError } from './errors.js';
import {
  isOverlongDecimal,
  MAX_PAYMENT_AMOUNT,
  MAX_PAYMENTS,
  type OffCyclePayments,
  overLimitProblem,
  PAYMENT_KINDS,
  type PaymentCheckOptions,
  type PaymentField,
  type PaymentSite,
  PaymentsCollector,
} from './offCyclePayments.js';

const NEGATIVE_FIX = 'payments must be above 0 (an off-cycle run only pays; it cannot take money back).';

export const PAYMENTS_COLUMNS = {
  required: ['employee_id', 'amount', 'kind'],
  optional: [],
} as const;
type PaymentsColumn = (typeof PAYMENTS_COLUMNS.required)[number];

const COLUMN_OF: Readonly<Record<PaymentField, PaymentsColumn>> = {
  employeeId: 'employee_id',
  amount: 'amount',
  kind: 'kind',
};

export function parsePayments(
  csvText: string,
  file: string,
  options: PaymentCheckOptions = {},
): OffCyclePayments {
  const collector = new PaymentsCollector(options);
  parseCsvRecords(
    csvText,
    file,
    PAYMENTS_COLUMNS,
    (cells) => {
      const employeeId = cells.text('employee_id');
      if (!isEmployeeId(employeeId)) {
        throw cells.error(
          'employee_id',
          employeeId === ''
            ? 'empty; give the employee id of the person paid.'
            : `${cells.shown('employee_id')} is not an employee id; use ${EMPLOYEE_ID_RULE}.`,
          employeeId === '' ? 'MISSING_VALUE' : 'BAD_VALUE',
        );
      }
      if (isOverlongDecimal(cells.text('amount'))) {
        throw cells.error('amount', overLimitProblem(cells.shown('amount')), 'AMOUNT_TOO_LARGE');
      }
      if (cells.text('amount').startsWith('-')) {
        // ACH credits only: an overpayment is recovered outside the run, never by a negative row.
        throw cells.error('amount', `${cells.shown('amount')} is negative; ${NEGATIVE_FIX}`, 'BAD_AMOUNT');
      }
      // Parsed without the generic cap: a payment over its own cap gets the message that says so.
      const amount = cells.amount('amount', Number.MAX_SAFE_INTEGER);
      if (amount !== undefined && amount > MAX_PAYMENT_AMOUNT) {
        throw cells.error('amount', overLimitProblem(cells.text('amount')), 'AMOUNT_TOO_LARGE');
      }
      if (amount === undefined) {
        throw cells.error(
          'amount',
          `empty for ${employeeId}; give the amount to pay, e.g. 1500.00.`,
          'MISSING_VALUE',
        );
      }
      const kind = cells.choice('kind', PAYMENT_KINDS, 'a payment kind');
      collector.add({ employeeId, amount, kind }, siteOf(cells));
      return undefined;
    },
    { maxRows: MAX_PAYMENTS },
  );
  return collector.result(
    () =>
      new BadInputError(
        'NO_PAYMENTS',
        `${file}: no payments; add one row per payment under the header (employee_id,amount,kind).`,
        { details: { file } },
      ),
  );
}

function siteOf(cells: CsvCells<PaymentsColumn>): PaymentSite {
  // Positions are record indexes (header = 0), so rowOf turns them into the rows an editor shows.
  return {
    position: cells.record,
    fail: (field, problem, code) =>
      cells.error(field === undefined ? undefined : COLUMN_OF[field], problem, code),
    nameOf: (position) => `row ${cells.rowOf(position)}`,
  };
}
