-- Baseline, uniform: a random participant redeems a random reward (bench/baseline.sql).
\set p random(1, 10000)
\set r random(1, 100)
SELECT bench_redeem_idx(:p, :r);
