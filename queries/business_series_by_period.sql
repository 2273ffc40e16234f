-- business_series_by_period: one row per business series of the cluster (business_series: active
-- customers, orders…) and period — the series' value in the period beside the cluster's compute in
-- it, their growth over the previous period and the same period a year before, and the compute per
-- 1,000 units of business.
--   value        a stock (kind 'stock': customers) takes its last value in the period, a flow
--                (kind 'flow': orders) the sum of its values in it; a value belongs to the period
--                its day falls in (a monthly value: its month's first day)
--   complete     the values reach the period's end: a flow has a value for every day of it (a
--                monthly value covers its month), a stock one for its last day (or last month).
--                Growth and compute per unit are given only between complete periods (null else):
--                half a quarter of orders is not a fall in orders.
--   compute_hours_per_1000   compute hours ÷ value × 1,000 (vcore- or CPU-hours per 1,000 orders)
-- A series' kind and unit are those of its newest value. Flows are summed exactly (decimal), so the
-- figure does not depend on the order rows are added in. Series by name, periods newest first.
-- @param cluster        the cluster
-- @param labels         the periods' labels, newest first, e.g. ['2026-Q3', '2026-Q2', …]
-- @param starts         each period's first day in the cluster's time zone (YYYY-MM-DD)
-- @param ends           the day after each period (YYYY-MM-DD)
-- @param compute_hours  the cluster's compute in each period (compute_demand_by_period: vcore_hours)
-- @param year_ago       how many periods back the same period a year before is (4 quarters, 12 months)
with periods as (
  select
    unnest(range(1, len($labels) + 1)) as k,
    unnest($labels) as period,
    cast(unnest($starts) as date) as first_day,
    cast(unnest($ends) as date) as end_day,
    cast(unnest($compute_hours) as double) as compute_hours
),
series as (
  select series, arg_max(kind, "day") as kind, arg_max(unit, "day") as unit
  from business_series
  where cluster = $cluster
  group by series
),
in_period as (
  select
    b.series, p.k,
    count(*) as value_count,
    cast(sum(cast(b.value as decimal(38, 6))) as double) as total,
    arg_max(b.value, b."day") as last_value,
    max(b."day") as last_day,
    max(case b.granularity when 'month' then b."day" + interval 1 month else b."day" + interval 1 day end) as covered_to,
    sum(case b.granularity when 'month' then datediff('day', b."day", b."day" + interval 1 month) else 1 end) as days_covered
  from business_series b
  join periods p on b."day" >= p.first_day and b."day" < p.end_day
  where b.cluster = $cluster
  group by b.series, p.k
),
valued as (
  select
    s.series, s.kind, s.unit, p.k, p.period, p.first_day, p.end_day, p.compute_hours,
    case s.kind when 'stock' then i.last_value else i.total end as value,
    coalesce(i.value_count, 0) as value_count,
    i.last_day,
    case s.kind
      when 'stock' then coalesce(i.covered_to >= p.end_day, false)
      else coalesce(i.days_covered >= datediff('day', p.first_day, p.end_day), false)
    end as complete
  from series s
  cross join periods p
  left join in_period i on i.series = s.series and i.k = p.k
)
select
  v.series,
  v.kind,
  v.unit,
  v.period,
  cast(v.first_day as varchar) as period_start,
  cast(v.end_day as varchar) as period_end,
  v.value,
  v.value_count,
  cast(v.last_day as varchar) as last_day,
  v.complete,
  case when v.complete and b.complete and b.value > 0 then v.value / b.value - 1 end as growth_over_previous,
  case when v.complete and y.complete and y.value > 0 then v.value / y.value - 1 end as growth_over_year_ago,
  v.compute_hours,
  case when b.compute_hours > 0 then v.compute_hours / b.compute_hours - 1 end as compute_growth_over_previous,
  case when y.compute_hours > 0 then v.compute_hours / y.compute_hours - 1 end as compute_growth_over_year_ago,
  case when v.complete and v.value > 0 then v.compute_hours / v.value * 1000 end as compute_hours_per_1000
from valued v
left join valued b on b.series = v.series and b.k = v.k + 1
left join valued y on y.series = v.series and y.k = v.k + cast($year_ago as integer)
order by v.series, v.k
