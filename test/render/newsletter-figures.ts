/** A small hand-made period of figures for the newsletter's tests: one YARN cluster, 2026-Q3, numbers chosen to format by hand. */
import type { ClusterFigures, Figures } from '../../src/analyze/figures.js';

export function clusterFigures(cluster = 'c1'): ClusterFigures {
  const quarter = (period: string, vcore_hours: number, jobs: number, active_users: number, share_of_capacity: number) => ({ period, vcore_hours, jobs, active_users, share_of_capacity });
  return {
    cluster, timezone: 'Europe/Amsterdam', compute_unit: 'vcore-hours',
    period: { label: '2026-Q3', kind: 'quarter', start: '2026-07-01', end: '2026-10-01', start_utc: '2026-06-30 22:00:00', end_utc: '2026-09-30 22:00:00' },
    compute_demand: {
      // 1,500,000 against 1,200,000: +25.0%
      by_period: [quarter('2026-Q3', 1_500_000.4, 12_345, 67, 0.5), quarter('2026-Q2', 1_200_000, 10_000, 60, 0.4), quarter('2026-Q1', 0, 0, 0, 0)],
      growth_over_previous: 0.25, growth_over_year_ago: null, by_team: [], by_queue: [], business_series: [],
    },
    reliability: {
      by_period: [{ period: '2026-Q3', availability: 0.99896, down_minutes: 138, ended: 12_000, succeeded: 11_400, failed: 500, killed: 100, success_rate: 0.95 }],
      // 01:40 UTC is 03:40 in Amsterdam (CEST)
      incidents: [{ start_time: '2026-08-12T01:40:00.000Z', end_time: '2026-08-12T03:58:00.000Z', severity: 'critical', title: 'HDFS <down> & out', minutes: 138, minutes_in_period: 138 }],
    },
    top_failing_jobs: [
      { job_key: 'etl.Daily_<date> [ann@root.etl]', owner: 'ann', team: 'etl', runs: 92, failures: 92, streak: 151, streak_since: '2026-06-23T23:30:00.000Z', failed_vcore_hours: 150_123.6, share_of_capacity: 0.100032, failed_cost: 6004.944, currency: 'EUR', last_job_id: 'application_1_0042', error_signature: 'Permission denied' },
    ],
    wasteful: { failed_burn_by_user: [], memory_over_request: [], mapreduce_memory_over_request: [], spark_memory_over_request: [], time_limit_over_request: [], retries: [], superuser_jobs: [] },
    top_consumers: { users: [], teams: [{ name: 'etl', vcore_hours: 600_000, share_of_capacity: 0.2, growth: -0.05 }], queues: [], dominant_jobs: [] },
    storage: {
      // 641,038,140,320,148 bytes is 641 TB (10^12)
      by_period: [{ period: '2026-Q3', snapshot_at: '2026-09-28T04:00:00.000Z', used_bytes: 641_038_140_320_148, capacity_bytes: 845_707_017_093_120, used_share: 0.758, growth: 0.106 }],
      trend: { window_to: '2026-11-16T05:00:00.000Z', last_used_share: 0.806, already_above_80: true, already_above_90: false, crossing_90_at: '2027-03-02T08:22:00.000Z', days_until_90: 106.14 },
      growth_by_directory: [], growth_by_team: [], cold_data_by_owner: [], small_files_by_team: [],
      cold_data_by_team: [{ team: 'ads', bytes: 78_141_662_179_449, cold_90d_bytes: 65_933_268_834_508, cold_365d_bytes: 46_564_431_322_098, share_of_cold_365d: 0.682, as_of: '2026-09-30' }],
    },
    throughput_by_framework: [],
    highlights: [{ kind: 'failing-job', text: 'etl.Daily failed all 92 runs.', numbers: {} }],
  };
}

export function periodFigures(...clusters: string[]): Figures {
  const names = clusters.length ? clusters : ['c1'];
  return { period: '2026-Q3', clusters: Object.fromEntries(names.map((c) => [c, clusterFigures(c)])) };
}
