-- Baseline, hot participant: THE hot participant (index 0) redeems a random reward.
\set r random(1, 100)
SELECT bench_redeem_idx(0, :r);
