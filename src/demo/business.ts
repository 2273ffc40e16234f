/**
 * The demo's business series, set beside demo-hadoop's compute (`gazette ingest --format
 * business-series`): monthly orders (a flow: a quarter sums its months) and active customers (a
 * stock: a quarter takes its last month's), for every whole month of the demo — November 2026 is
 * not over at its end, so it is left out. The business grows far slower than the compute it
 * needs: orders some 7% a quarter against demand's ~30%, the DESIGN's "compute grew 4,000% while
 * users grew 650%" in small.
 */
import { END_DAY, months } from './calendar.js';
import { pad } from './time.js';

export interface BusinessValue {
  /** `YYYY-MM`. */
  month: string;
  series: 'orders' | 'active customers';
  kind: 'flow' | 'stock';
  unit: string;
  value: number;
}

/** Whole months of the demo, oldest first: orders 120,000 × 1.022^m, active customers 40,000 × 1.012^m. */
export function businessValues(): BusinessValue[] {
  const whole = months().filter(([y, m]) => !(y === END_DAY.year && m === END_DAY.month));
  return whole.flatMap(([y, m], i): BusinessValue[] => [
    { month: `${y}-${pad(m)}`, series: 'orders', kind: 'flow', unit: 'orders', value: Math.round(120_000 * 1.022 ** i) },
    { month: `${y}-${pad(m)}`, series: 'active customers', kind: 'stock', unit: 'customers', value: Math.round(40_000 * 1.012 ** i) },
  ]);
}

export function businessCsv(values: BusinessValue[]): string {
  return ['date,series,value,kind,unit', ...values.map((v) => `${v.month},${v.series},${v.value},${v.kind},${v.unit}`)].join('\n') + '\n';
}

/**
 * Per quarter of the answer key: orders (the sum of its months), active customers (its last
 * month's) and vcore-hours per 1,000 orders; the growth of both in 2026-Q3 over 2026-Q2 and over
 * 2025-Q3.
 */
export function businessAnswers(values: BusinessValue[], quarters: { quarter: string; vcore_hours: number }[]) {
  const quarterOf = (month: string) => `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
  const rows = quarters.map(({ quarter, vcore_hours }) => {
    const own = values.filter((v) => quarterOf(v.month) === quarter);
    const orders = own.filter((v) => v.series === 'orders').reduce((s, v) => s + v.value, 0);
    const customers = own.filter((v) => v.series === 'active customers').at(-1)!.value;
    return { quarter, orders, active_customers: customers, vcore_hours_per_1000_orders: Math.round((vcore_hours / orders) * 1000 * 1e4) / 1e4 };
  });
  const at = (q: string) => rows.find((r) => r.quarter === q)!;
  const growth = (k: 'orders' | 'active_customers', a: string, b: string) => Math.round((at(a)[k] / at(b)[k] - 1) * 1e4) / 1e4;
  return {
    cluster: 'demo-hadoop',
    quarters: rows,
    orders_growth_2026_q3_over_q2: growth('orders', '2026-Q3', '2026-Q2'),
    orders_growth_2026_q3_over_2025_q3: growth('orders', '2026-Q3', '2025-Q3'),
    active_customers_growth_2026_q3_over_q2: growth('active_customers', '2026-Q3', '2026-Q2'),
  };
}
