-- feedback_sent_recently: the findings feedback emails delivered near a moment — within
-- repeat_after_days of it, before or after (a run over an older window is judged against its own
-- time) — one row per (cluster, job key, finding, owner): what `gazette feedback` must not repeat.
-- @param now     the run's moment, UTC
-- @param days    repeat_after_days
select distinct cluster, job_key, finding, owner
from feedback_sent
where delivered_at > cast($now as timestamp) - to_microseconds(cast(cast($days as double) * 86400e6 as bigint))
  and delivered_at < cast($now as timestamp) + to_microseconds(cast(cast($days as double) * 86400e6 as bigint))
