-- Baseline, hot reward: a random participant redeems THE hot reward (index 0).
\set p random(1, 10000)
SELECT bench_redeem_idx(:p, 0);
