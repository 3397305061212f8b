DROP TRIGGER IF EXISTS rewards_code_guard ON rewards_rewardcode;
DROP FUNCTION IF EXISTS rewards_check_code();
