/** The demo's incidents: outages and degradations, as the platform team logs them (local times). */
import { zonedInstant } from './time.js';

export type Severity = 'critical' | 'major' | 'minor' | 'maintenance';

export interface Incident {
  cluster: 'demo-hadoop' | 'demo-hpc';
  /** Local wall times in the cluster's zone, `YYYY-MM-DD HH:MM`. */
  start: string;
  end: string;
  severity: Severity;
  title: string;
  ticket: string;
}

/**
 * Availability counts critical and major incidents as down time (overlaps once); minor is a
 * degradation and maintenance is planned. Each quarter stays above 99.9% except 2026-Q3 on
 * demo-hadoop, where the NameNode outage and the degraded recovery after it overlap.
 */
export const INCIDENTS: Incident[] = [
  { cluster: 'demo-hadoop', start: '2025-05-14 10:05', end: '2025-05-14 10:52', severity: 'major', title: 'YARN ResourceManager failover; running applications recovered, new submissions refused', ticket: 'OPS-1184' },
  { cluster: 'demo-hadoop', start: '2025-08-03 14:00', end: '2025-08-03 16:30', severity: 'minor', title: 'Slow HDFS reads on rack B (top-of-rack switch flapping)', ticket: 'OPS-1302' },
  { cluster: 'demo-hadoop', start: '2025-11-19 02:10', end: '2025-11-19 02:45', severity: 'critical', title: 'HDFS unavailable: NameNode GC pause triggered failover loop', ticket: 'OPS-1417' },
  { cluster: 'demo-hadoop', start: '2026-02-10 08:00', end: '2026-02-10 12:00', severity: 'maintenance', title: 'Planned: 24 new worker nodes added (expansion), rolling NodeManager restarts', ticket: 'OPS-1533' },
  { cluster: 'demo-hadoop', start: '2026-05-06 21:30', end: '2026-05-06 22:40', severity: 'minor', title: 'Hive Metastore slow (database lock contention)', ticket: 'OPS-1620' },
  { cluster: 'demo-hadoop', start: '2026-08-12 03:40', end: '2026-08-12 07:55', severity: 'critical', title: 'HDFS down: JournalNode disk full, NameNode failover failed; all jobs failed or were killed', ticket: 'OPS-1702' },
  { cluster: 'demo-hadoop', start: '2026-08-12 07:30', end: '2026-08-12 09:10', severity: 'major', title: 'HDFS degraded after the outage: block reports and safe mode, writes refused', ticket: 'OPS-1703' },
  { cluster: 'demo-hadoop', start: '2026-10-21 13:15', end: '2026-10-21 13:40', severity: 'major', title: 'ResourceManager restart after a state-store corruption', ticket: 'OPS-1788' },
  { cluster: 'demo-hpc', start: '2025-07-22 06:00', end: '2025-07-22 14:00', severity: 'maintenance', title: 'Planned: Slurm upgrade to 24.05 and firmware updates', ticket: 'HPC-311' },
  { cluster: 'demo-hpc', start: '2025-12-02 11:20', end: '2025-12-02 12:05', severity: 'major', title: 'Lustre /scratch unresponsive, jobs stalled in I/O', ticket: 'HPC-357' },
  { cluster: 'demo-hpc', start: '2026-09-09 16:40', end: '2026-09-09 17:25', severity: 'major', title: 'Power loss on rack C: 12 compute nodes down, their jobs NODE_FAIL', ticket: 'HPC-402' },
  { cluster: 'demo-hpc', start: '2026-11-04 09:00', end: '2026-11-04 09:30', severity: 'minor', title: 'Login node overloaded, slow logins', ticket: 'HPC-415' },
];

export function incidentWindow(i: Incident, tz: string): [number, number] {
  const at = (s: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(s)!;
    return zonedInstant(tz, +m[1], +m[2], +m[3], +m[4], +m[5]);
  };
  return [at(i.start), at(i.end)];
}
