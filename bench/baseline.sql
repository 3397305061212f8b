-- The database's own limit: a catalog redemption (UNIT_BASED reward) as ONE
-- PL/pgSQL function over the application's schema, writing exactly the rows
-- rewards.services.redemptions.redemption_create_catalog writes, with the
-- same checks, in the same order and under the same lock order
-- (rewards/locks.py: idempotency key, wallet, per-participant counter, the
-- reward last with a guarded UPDATE right before COMMIT).
--
-- Loaded into the bench database by bench/run.py and driven by pgbench
-- (bench/pgbench_*.sql). Its rows pass `manage.py reconcile` like the app's.
-- Errors are raised (the whole transaction rolls back, as in the app) with
-- the contract's error code as the message.

CREATE OR REPLACE FUNCTION bench_redeem(
    p_program uuid, p_participant uuid, p_reward uuid, p_quantity integer, p_key text
) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := clock_timestamp();
    v_program_status text;
    v_tenant uuid;
    r rewards_reward%ROWTYPE;
    v_wallet_id uuid;
    v_balance numeric;
    v_redemptions_account uuid;
    v_cost numeric;
    v_fingerprint text;
    v_existing uuid;
    v_count integer;
    v_entry uuid := gen_random_uuid();
    v_redemption uuid := gen_random_uuid();
    v_description text;
BEGIN
    -- What the view resolves before the service: the program (its tenant is
    -- the key's), the reward (of that program) and the enrolment. Every row
    -- written carries the program's tenant, as the services copy it.
    SELECT status, tenant_id INTO v_program_status, v_tenant FROM loyalty_program WHERE id = p_program;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO r FROM rewards_reward WHERE id = p_reward AND program_id = p_program AND tenant_id = v_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not_found' USING ERRCODE = 'P0002';
    END IF;
    IF r.type <> 'UNIT_BASED' THEN
        RAISE EXCEPTION 'validation_error: the baseline redeems UNIT_BASED rewards' USING ERRCODE = '22023';
    END IF;
    v_description := 'Redeemed: ' || r.name;

    -- 0. The idempotency key: same fingerprint as loyalty.idempotency.request_fingerprint.
    v_fingerprint := encode(sha256(convert_to(
        '{"body":{"amount":null,"description":null,"program_id":"' || p_program
        || '","quantity":' || p_quantity || ',"reward_id":"' || p_reward
        || '"},"endpoint":"redemption.catalog","path":{"participant_id":"' || p_participant || '"}}',
        'UTF8')), 'hex');
    INSERT INTO loyalty_idempotencyrecord (tenant_id, program_id, key, fingerprint, kind, resource_id, created_at)
    VALUES (v_tenant, p_program, p_key, v_fingerprint, 'REDEMPTION', v_redemption, v_now)
    ON CONFLICT (program_id, key) DO NOTHING;
    IF NOT FOUND THEN
        SELECT resource_id INTO v_existing FROM loyalty_idempotencyrecord
        WHERE program_id = p_program AND key = p_key AND fingerprint = v_fingerprint AND kind = 'REDEMPTION';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'idempotency_key_reused' USING ERRCODE = 'P0001';
        END IF;
        RETURN v_existing;
    END IF;

    -- The 422 rules, in the contract's order.
    IF v_program_status <> 'ACTIVE' THEN
        RAISE EXCEPTION 'program_not_active' USING ERRCODE = 'P0001';
    END IF;
    PERFORM 1 FROM participants_enrollment WHERE participant_id = p_participant AND program_id = p_program;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'participant_not_enrolled' USING ERRCODE = 'P0001';
    END IF;
    IF r.status = 'INACTIVE' THEN
        RAISE EXCEPTION 'reward_not_active' USING ERRCODE = 'P0001';
    END IF;
    IF (r.available_from IS NOT NULL AND v_now < r.available_from)
       OR (r.available_until IS NOT NULL AND v_now >= r.available_until) THEN
        RAISE EXCEPTION 'reward_not_available' USING ERRCODE = 'P0001';
    END IF;
    IF r.status = 'OUT_OF_STOCK' OR (r.max_total IS NOT NULL AND r.redeemed_count + p_quantity > r.max_total) THEN
        RAISE EXCEPTION 'reward_out_of_stock' USING ERRCODE = 'P0001';
    END IF;
    v_cost := r.unit_cost * p_quantity;

    -- 2. The wallet.
    SELECT id, balance INTO v_wallet_id, v_balance FROM ledger_account
    WHERE type = 'WALLET' AND asset_id = r.asset_id AND participant_id = p_participant AND tenant_id = v_tenant
    LIMIT 1 FOR UPDATE;

    -- 3. The per-participant counter (created on first use, guarded by the limit).
    INSERT INTO rewards_participantrewardcount (tenant_id, reward_id, participant_id, count)
    VALUES (v_tenant, p_reward, p_participant, p_quantity)
    ON CONFLICT (reward_id, participant_id) DO UPDATE
        SET count = rewards_participantrewardcount.count + excluded.count
        WHERE r.max_per_participant IS NULL
           OR rewards_participantrewardcount.count + excluded.count <= r.max_per_participant
    RETURNING count INTO v_count;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'participant_limit_exceeded' USING ERRCODE = 'P0001';
    END IF;

    IF coalesce(v_balance, 0) < v_cost THEN
        RAISE EXCEPTION 'insufficient_balance' USING ERRCODE = 'P0001';
    END IF;

    -- The balanced entry: debit the wallet, credit the program's REDEMPTIONS
    -- account (never locked nor updated: its balance is derived).
    SELECT id INTO v_redemptions_account FROM ledger_account
    WHERE asset_id = r.asset_id AND type = 'REDEMPTIONS' AND participant_id IS NULL;
    INSERT INTO ledger_journalentry (id, tenant_id, program_id, kind, description, reverses_id, created_at)
    VALUES (v_entry, v_tenant, p_program, 'REDEMPTION', v_description, NULL, v_now);
    INSERT INTO ledger_journalline (id, tenant_id, entry_id, account_id, asset_id, direction, amount)
    VALUES (gen_random_uuid(), v_tenant, v_entry, v_wallet_id, r.asset_id, 'DEBIT', v_cost),
           (gen_random_uuid(), v_tenant, v_entry, v_redemptions_account, r.asset_id, 'CREDIT', v_cost);
    UPDATE ledger_account SET balance = balance - v_cost, updated_at = v_now
    WHERE id = v_wallet_id AND tenant_id = v_tenant;

    -- The lots (points lifecycle), as the app does: take v_cost from the wallet's released lots, soonest
    -- expiry first (never-expiring last), then oldest, then by id, and record what came from each lot.
    WITH picked AS (
        SELECT l.id, row_number() OVER w - 1 AS position,
               LEAST(l.remaining, v_cost - (sum(l.remaining) OVER w - l.remaining)) AS take
        FROM participants_accrual l
        WHERE l.tenant_id = v_tenant AND l.participant_id = p_participant AND l.asset_id = r.asset_id
          AND l.released AND l.remaining > 0
        WINDOW w AS (ORDER BY l.expires_at ASC NULLS LAST, l.created_at, l.id)
    ), taken AS (
        UPDATE participants_accrual a
        SET remaining = a.remaining - p.take, spent_amount = a.spent_amount + p.take
        FROM picked p WHERE a.id = p.id AND p.take > 0
        RETURNING a.id, p.position, p.take
    )
    INSERT INTO rewards_redemptionallocation (tenant_id, redemption_id, accrual_id, reversal_id, position, amount)
    SELECT v_tenant, v_redemption, id, NULL, position, take FROM taken;

    INSERT INTO rewards_redemption (
        id, tenant_id, program_id, participant_id, asset_id, reward_id, amount, quantity, unit_cost, description,
        journal_entry_id, status, reversed_amount, reversed_quantity, stock_units, idempotency_key,
        allocations_tracked, created_at, updated_at)
    VALUES (
        v_redemption, v_tenant, p_program, p_participant, r.asset_id, p_reward, v_cost, p_quantity, r.unit_cost,
        v_description, v_entry, 'COMPLETED', 0, 0, p_quantity, p_key, true, v_now, v_now);

    -- 4. The reward, last: the guarded UPDATE re-checks every rule on the
    --    latest committed row and takes the hot row lock right before COMMIT.
    UPDATE rewards_reward
    SET redeemed_count = redeemed_count + p_quantity,
        status = CASE WHEN max_total IS NOT NULL AND max_total <= redeemed_count + p_quantity
                      THEN 'OUT_OF_STOCK' ELSE status END,
        updated_at = v_now
    WHERE id = p_reward
      AND tenant_id = v_tenant
      AND status = 'ACTIVE'
      AND (available_from IS NULL OR available_from <= v_now)
      AND (available_until IS NULL OR available_until > v_now)
      AND (max_total IS NULL OR max_total >= redeemed_count + p_quantity)
      AND max_per_participant IS NOT DISTINCT FROM r.max_per_participant
      AND unit_cost = r.unit_cost;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'reward_out_of_stock' USING ERRCODE = 'P0001';
    END IF;
    RETURN v_redemption;
END;
$$;

-- pgbench entry point: participants and rewards by their bench index
-- (bench_participant / bench_reward, made by bench/setup_data.py) and a
-- fresh idempotency key per call, like the HTTP load generator.
CREATE OR REPLACE FUNCTION bench_redeem_idx(p_participant_idx integer, p_reward_idx integer)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    v_participant uuid;
    v_reward uuid;
    v_program uuid;
BEGIN
    SELECT id INTO STRICT v_participant FROM bench_participant WHERE idx = p_participant_idx;
    SELECT id, program_id INTO STRICT v_reward, v_program FROM bench_reward WHERE idx = p_reward_idx;
    RETURN bench_redeem(v_program, v_participant, v_reward, 1, 'pgb-' || gen_random_uuid());
END;
$$;
