-- storage_trend: one row — the trend of HDFS used bytes: the ordinary-least-squares line of the
-- NameNode's used_bytes over taken_at (epoch seconds) for the snapshots of the window_days days up
-- to the last snapshot taken before the period's end (taken_at >= last − window_days days, the last
-- included), and where that line reaches 80% and 90% of the last snapshot's capacity.
-- crossing_*_at is the instant the line reaches the threshold and days_until_* the days from the
-- last snapshot to it (negative when the line is already past it though the last reading is not);
-- both null when the line does not rise (slope ≤ 0) or the last reading is already at or above the
-- threshold (already_above_* true). With no snapshot, nulls and 0 snapshots.
-- @param cluster      the cluster
-- @param period_end   the period's end (the instant after it), UTC text timestamp
-- @param window_days  the trend's window in days, up to the last snapshot (e.g. 90)
with snapshots as (
  select taken_at, capacity_bytes, used_bytes
  from storage_snapshots
  where cluster = $cluster and used_bytes is not null and taken_at < cast($period_end as timestamp)
),
last_snapshot as (
  select taken_at, capacity_bytes, used_bytes
  from snapshots
  order by taken_at desc
  limit 1
),
fit as (
  -- x measured from the last snapshot (seconds) for precision; moved to epoch 0 below. A line
  -- needs two moments (regr_slope gives NaN for one).
  select
    case when count(distinct s.taken_at) > 1 then regr_slope(s.used_bytes, epoch(s.taken_at) - epoch(l.taken_at)) end as slope,
    case when count(distinct s.taken_at) > 1 then regr_intercept(s.used_bytes, epoch(s.taken_at) - epoch(l.taken_at)) end as used_at_last,
    count(*) as snapshots,
    min(s.taken_at) as window_from
  from snapshots s, last_snapshot l
  where s.taken_at >= l.taken_at - to_microseconds(cast(cast($window_days as double) * 86400e6 as bigint))
),
line as (
  select
    f.*,
    l.taken_at as window_to,
    l.capacity_bytes as last_capacity_bytes,
    l.used_bytes as last_used_bytes,
    0.8 * l.capacity_bytes as threshold_80_bytes,
    0.9 * l.capacity_bytes as threshold_90_bytes
  from fit f
  left join last_snapshot l on true
),
crossings as (
  select
    *,
    -- seconds from the last snapshot until the line reaches the threshold
    case when slope > 0 and last_used_bytes < threshold_80_bytes then (threshold_80_bytes - used_at_last) / slope end as s80,
    case when slope > 0 and last_used_bytes < threshold_90_bytes then (threshold_90_bytes - used_at_last) / slope end as s90
  from line
)
select
  slope * 86400 as slope_bytes_per_day,
  used_at_last - slope * epoch(window_to) as intercept_bytes,
  snapshots,
  window_from,
  window_to,
  last_capacity_bytes,
  last_used_bytes,
  last_used_bytes / nullif(last_capacity_bytes, 0) as last_used_share,
  threshold_80_bytes,
  threshold_90_bytes,
  window_to + to_microseconds(cast(round(s80) * 1e6 as bigint)) as crossing_80_at,
  window_to + to_microseconds(cast(round(s90) * 1e6 as bigint)) as crossing_90_at,
  s80 / 86400 as days_until_80,
  s90 / 86400 as days_until_90,
  last_used_bytes >= threshold_80_bytes as already_above_80,
  last_used_bytes >= threshold_90_bytes as already_above_90
from crossings
