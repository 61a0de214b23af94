/**
 * The HTTP API's off-cycle payments, `[{ "employeeId", "amount", "kind" }]`, validated into the
 * same OffCyclePayments as the CSV, with the same checks. Errors are one line naming the entry
 * and field: `payments[2].amount: 12.345 has more than two decimal places; round it to two.`
 *
 * Amounts are decimal strings ("1234.56"): JSON numbers are binary floats, and 0.1 + 0.2 arrives
 * as 0.30000000000000004. A JSON number is still accepted when its shortest decimal form (what
 * JavaScript prints) has at most two places, e.g. 1234.5 or 100; under the amount cap every such
 * number reads back as exactly what the client wrote. Anything else is refused, never rounded.
 */
import { EMPLOYEE_ID_RULE, isEmployeeId } from './employeeId.js';
import { BadInputError } from './errors.js';
import { type Cents, parseCents } from './money.js';
import {
  isOverlongDecimal,
  MAX_PAYMENTS,
  type OffCyclePayments,
  overLimitProblem,
  PAYMENT_KINDS,
  type PaymentCheckOptions,
  type PaymentField,
  type PaymentKind,
  PaymentsCollector,
} from './offCyclePayments.js';
import { shownInput } from './shownInput.js';

const FIELDS: readonly PaymentField[] = ['employeeId', 'amount', 'kind'];

/** `source` names the body field in messages (`payments` unless told). */
export function validatePayments(
  value: unknown,
  source = 'payments',
  options: PaymentCheckOptions = {},
): OffCyclePayments {
  if (!Array.isArray(value)) {
    throw bad(
      source,
      'PAYMENTS_NOT_A_LIST',
      `${source}: ${describe(value)}; give a list of { "employeeId", "amount", "kind" } objects.`,
    );
  }
  if (value.length > MAX_PAYMENTS) {
    throw bad(
      source,
      'TOO_MANY_PAYMENTS',
      `${source}: ${value.length} payments, more than ${MAX_PAYMENTS}; split them into several off-cycle runs.`,
    );
  }
  const collector = new PaymentsCollector(options);
  value.forEach((entry: unknown, position: number) => {
    const at = `${source}[${position}]`;
    const fail: Fail = (field, problem, code) => {
      const where = field === undefined ? at : `${at}.${field}`;
      return bad(where, code, `${where}: ${problem}`);
    };
    collector.add(paymentFrom(entry, fail), { position, fail, nameOf: (earlier) => `${source}[${earlier}]` });
  });
  return collector.result(() =>
    bad(
      source,
      'NO_PAYMENTS',
      `${source}: empty; give at least one { "employeeId", "amount", "kind" } object.`,
    ),
  );
}

type Fail = (field: PaymentField | undefined, problem: string, code: string) => BadInputError;

function paymentFrom(entry: unknown, fail: Fail) {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw fail(
      undefined,
      `${describe(entry)}; give an object { "employeeId", "amount", "kind" }.`,
      'BAD_VALUE',
    );
  }
  const fields = entry as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw fail(
        undefined,
        `unknown field ${shownInput(JSON.stringify(key))}; remove it or use employeeId, amount and kind.`,
        'UNKNOWN_FIELD',
      );
    }
  }
  const employeeId = fields.employeeId;
  if (typeof employeeId !== 'string' || !isEmployeeId(employeeId)) {
    throw fail(
      'employeeId',
      employeeId === undefined || employeeId === ''
        ? 'missing; give the employee id of the person paid.'
        : `${describe(employeeId)} is not an employee id; use a string of ${EMPLOYEE_ID_RULE}.`,
      employeeId === undefined || employeeId === '' ? 'MISSING_VALUE' : 'BAD_VALUE',
    );
  }
  const amount = amountFrom(fields.amount, fail);
  const kind = fields.kind;
  if (typeof kind !== 'string' || !(PAYMENT_KINDS as readonly string[]).includes(kind)) {
    throw fail(
      'kind',
      kind === undefined
        ? `missing; give one of ${PAYMENT_KINDS.join(', ')}.`
        : `${describe(kind)} is not a payment kind; use one of ${PAYMENT_KINDS.join(', ')}.`,
      kind === undefined ? 'MISSING_VALUE' : 'BAD_VALUE',
    );
  }
  return { employeeId, amount, kind: kind as PaymentKind };
}

function amountFrom(value: unknown, fail: Fail): Cents {
  if (value === undefined) {
    throw fail('amount', 'missing; give the amount as a decimal string, e.g. "1500.00".', 'MISSING_VALUE');
  }
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else
    throw fail(
      'amount',
      `${describe(value)}; give the amount as a decimal string, e.g. "1500.00".`,
      'BAD_AMOUNT',
    );

  if (isOverlongDecimal(text)) throw fail('amount', overLimitProblem(shownInput(text)), 'AMOUNT_TOO_LARGE');
  // parseCents takes exactly a plain decimal with at most two places (no sign, spaces or exponent).
  const cents = parseCents(text);
  if (cents === undefined) throw fail('amount', amountProblem(text, typeof value === 'number'), 'BAD_AMOUNT');
  return cents;
}

function amountProblem(text: string, wasNumber: boolean): string {
  const shown = shownInput(text);
  if (/^-\d/.test(text)) {
    return `${shown} is negative; payments must be above 0 (an off-cycle run only pays; it cannot take money back).`;
  }
  if (/^\d+\.\d{3,}$/.test(text)) {
    return wasNumber
      ? `${shown} is not an amount in cents (a JSON number is a binary float); send it as a decimal string rounded to two places.`
      : `${shown} has more than two decimal places; round it to two.`;
  }
  return `${shownInput(JSON.stringify(text))} is not an amount; give a decimal string with at most two places, e.g. "1234.56".`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return shownInput(JSON.stringify(value));
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function bad(field: string, code: string, message: string): BadInputError {
  return new BadInputError(code, message, { details: { field } });
}
