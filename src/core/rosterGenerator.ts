/**
 * Deterministic fake rosters and timesheets for the examples, the benchmarks and the tests. The
 * same seed always gives the same CSV, byte for byte, so committed examples can be regenerated.
 * Every person, bank and account here is invented; routing numbers carry a valid ABA check digit.
 */
import { abaCheckDigit } from './aba.js';
import type { PayFrequency } from './period.js';

/** The header the generator writes, in the column order of examples/roster.csv. */
const GENERATED_HEADER = [
  'employee_id',
  'name',
  'pay_type',
  'pay_frequency',
  'filing_status',
  'annual_salary',
  'hourly_rate',
  'w4_step2',
  'w4_dependents',
  'w4_other_income',
  'w4_deductions',
  'w4_extra_withholding',
  'pretax_401k_percent',
  'pretax_section125',
  'bank_routing',
  'bank_account',
  'bank_account_type',
  'ytd_gross',
  'ytd_ss_wages',
  'ytd_medicare_wages',
  'ytd_futa_wages',
] as const;

export interface RosterGeneratorOptions {
  readonly count: number;
  readonly seed?: number;
  readonly payType?: 'salary' | 'hourly';
  readonly payFrequency?: PayFrequency;
  readonly idPrefix?: string;
  /** Pay periods already paid this year before the roster was imported (opening YTD balances). */
  readonly periodsAlreadyPaid?: number;
}

/** mulberry32: tiny, fast and good enough to make fake data look varied. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST_NAMES = [
  'Avery',
  'Blake',
  'Carmen',
  'Dalia',
  'Elias',
  'Farah',
  'Gideon',
  'Hana',
  'Ivo',
  'Jonah',
  'Kira',
  'Leon',
  'Maren',
  'Nico',
  'Odile',
  'Pavel',
  'Quinn',
  'Rosa',
  'Soren',
  'Tamsin',
  'Ulla',
  'Vera',
  'Wendell',
  'Xenia',
  'Yusuf',
  'Zora',
  'Amara',
  'Bruno',
  'Celia',
  'Dorian',
  'Esme',
  'Felix',
  'Greta',
  'Hugo',
  'Ines',
  'Jasper',
  'Lena',
  'Milo',
  'Nadia',
  'Otto',
  'Priya',
  'Rafael',
  'Sana',
  'Tobias',
  'Uma',
  'Viktor',
  'Willa',
  'Yara',
];
const LAST_NAMES = [
  'Abernathy',
  'Brightwater',
  'Castellano',
  'Dunmore',
  'Eckhart',
  'Fairweather',
  'Galloway',
  'Holloway',
  'Ingram',
  'Jessup',
  'Kowalczyk',
  'Lindqvist',
  'Marchetti',
  'Nakamura',
  'Okonkwo',
  'Pemberton',
  'Quintero',
  'Rasmussen',
  'Sorensen',
  'Thackeray',
  'Underhill',
  'Valdivia',
  'Whitcombe',
  'Yamamoto',
  'Zielinski',
  'Ashdown',
  'Blackwood',
  'Crowther',
  'Delacroix',
  'Ellery',
  'Fenwick',
  'Greenhalgh',
  'Hartigan',
  'Iverson',
];
// Prefixes in the Federal Reserve ranges real routing numbers start with (01-12, 21-32).
const ROUTING_PREFIXES = [
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
  '21',
  '22',
  '26',
  '31',
];
const PERCENTS_401K = ['3', '4', '4.5', '5', '6', '6', '7.5', '8', '10', '12', '15'];

/** A pool of invented banks so that, as in life, many employees share a routing number. */
function bankPool(random: () => number, size: number): string[] {
  const banks: string[] = [];
  for (let i = 0; i < size; i++) {
    const prefix = ROUTING_PREFIXES[Math.floor(random() * ROUTING_PREFIXES.length)]!;
    const middle = String(Math.floor(random() * 1_000_000)).padStart(6, '0');
    const firstEight = `${prefix}${middle}`;
    banks.push(`${firstEight}${abaCheckDigit(firstEight)}`);
  }
  return banks;
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function dollars(cents: number): string {
  const whole = Math.trunc(cents / 100);
  const fraction = cents % 100;
  return fraction === 0 ? String(whole) : `${whole}.${String(fraction).padStart(2, '0')}`;
}

/** 2026 wage bases: Social Security and FUTA, for plausible opening balances. */
const SS_WAGE_BASE_CENTS = 18_450_000;
const FUTA_WAGE_BASE_CENTS = 700_000;
const PERIODS: Readonly<Record<PayFrequency, number>> = {
  weekly: 52,
  biweekly: 26,
  semimonthly: 24,
  monthly: 12,
};

/** Annual salary in cents: mostly 35k-250k, skewed low; one in fifty an executive far above the wage base. */
function annualSalaryCents(random: () => number, index: number): number {
  if (index % 50 === 7) {
    const executive = [260_000, 320_000, 475_000, 650_000, 1_100_000];
    return executive[Math.floor(index / 50) % executive.length]! * 100;
  }
  const low = Math.log(35_000);
  const high = Math.log(250_000);
  const skewed = random() ** 1.8;
  const salary = Math.exp(low + (high - low) * skewed);
  return Math.round(salary / 250) * 250 * 100;
}

export function generateRosterCsv(options: RosterGeneratorOptions): string {
  const random = seededRandom(options.seed ?? 2026);
  const payType = options.payType ?? 'salary';
  const frequency = options.payFrequency ?? 'monthly';
  const prefix = options.idPrefix ?? 'E';
  const paidBefore = options.periodsAlreadyPaid ?? 2;
  const banks = bankPool(random, 40);
  const width = Math.max(5, String(options.count).length);
  const lines: string[] = [GENERATED_HEADER.join(',')];
  for (let i = 1; i <= options.count; i++) {
    const roll = random();
    const filing = roll < 0.5 ? 'single' : roll < 0.88 ? 'married_jointly' : 'head_of_household';
    const salaryCents = payType === 'salary' ? annualSalaryCents(random, i) : 0;
    const rateCents = payType === 'hourly' ? 1600 + Math.floor(random() * 3200) : 0;
    const step2 = filing !== 'head_of_household' && random() < 0.1;
    const hasDependents = random() < (filing === 'single' ? 0.1 : 0.45);
    const dependents = hasDependents
      ? (1 + Math.floor(random() * 3)) * 200_000 + (random() < 0.3 ? 50_000 : 0)
      : 0;
    const otherIncome = random() < 0.06 ? (10 + Math.floor(random() * 240)) * 10_000 : 0;
    const deductions = random() < 0.06 ? (20 + Math.floor(random() * 180)) * 10_000 : 0;
    const extra = random() < 0.05 ? pick(random, [2_500, 5_000, 10_000, 20_000]) : 0;
    const percent401k = random() < 0.65 ? pick(random, PERCENTS_401K) : '';
    const section125 =
      random() < 0.55
        ? pick(random, payType === 'salary' ? [4_250, 8_725, 14_500, 21_080, 31_840] : [1_875, 4_210, 6_300])
        : 0;
    const account = String(10_000_000 + Math.floor(random() * 89_999_999_999)).slice(
      0,
      8 + Math.floor(random() * 5),
    );
    const accountType = random() < 0.85 ? 'checking' : 'savings';

    // Opening balances for employees whose earlier pay this year was run on the previous system.
    const withYtd = paidBefore > 0 && (i % 50 === 7 || random() < 0.12);
    let ytd = ['', '', '', ''];
    if (withYtd) {
      const perPeriod = payType === 'salary' ? Math.round(salaryCents / PERIODS[frequency]) : rateCents * 80;
      const gross = perPeriod * paidBefore;
      const ficaWages = gross - section125 * paidBefore;
      ytd = [
        dollars(gross),
        dollars(Math.min(ficaWages, SS_WAGE_BASE_CENTS)),
        dollars(ficaWages),
        dollars(Math.min(ficaWages, FUTA_WAGE_BASE_CENTS)),
      ];
    }
    const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]!;
    const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]!;
    lines.push(
      [
        `${prefix}${String(i).padStart(width, '0')}`,
        `${first} ${last}`,
        payType,
        frequency,
        filing,
        payType === 'salary' ? dollars(salaryCents) : '',
        payType === 'hourly' ? dollars(rateCents) : '',
        step2 ? 'true' : 'false',
        dependents ? dollars(dependents) : '',
        otherIncome ? dollars(otherIncome) : '',
        deductions ? dollars(deductions) : '',
        extra ? dollars(extra) : '',
        percent401k,
        section125 ? dollars(section125) : '',
        banks[Math.floor(random() * banks.length)]!,
        account,
        accountType,
        ...ytd,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A timesheet for `employeeIds`: a full 80 hours for most, fewer for some, and overtime in
 * quarter hours for about four in ten.
 */
export function generateTimesheetCsv(employeeIds: readonly string[], seed = 7): string {
  const random = seededRandom(seed);
  const lines = ['employee_id,regular_hours,overtime_hours'];
  for (const id of employeeIds) {
    const regular = random() < 0.8 ? 8_000 : pick(random, [7_250, 6_400, 4_025, 7_675]);
    const overtime = regular === 8_000 && random() < 0.5 ? (10 + Math.floor(random() * 50)) * 25 : 0;
    lines.push(`${id},${dollars(regular)},${dollars(overtime)}`);
  }
  return `${lines.join('\n')}\n`;
}
