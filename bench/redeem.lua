-- wrk script: POST /api/v1/participants/{id}/redemptions/catalog with a
-- unique idempotency key per request, in one of three scenarios.
--
-- Environment (set by bench/run.py):
--   BENCH_IDS       path of a Lua file returning {program=, key=, participants={...}, rewards={...}}
--                   (index 1 = the hot participant / the hot reward)
--   BENCH_SCENARIO  uniform | hot_reward | hot_participant | healthz | drf_get
--                   (drf_get: GET /api/v1/programs/{id}, a DRF read with the key's auth)
--   BENCH_RUN       a run id, part of every idempotency key
--   BENCH_OUT       where done() writes the JSON summary
--
-- Counts responses by status and by error code (the contract's
-- {"error": {"code": ...}} body) per thread; done() adds them up.

local ids = dofile(os.getenv("BENCH_IDS"))
local scenario = os.getenv("BENCH_SCENARIO") or "uniform"
local run_id = os.getenv("BENCH_RUN") or "run"
local out_path = os.getenv("BENCH_OUT")

local threads = {}
local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("tid", thread_count)
   table.insert(threads, thread)
end

local participants = ids.participants
local rewards = ids.rewards
local n_participants = #participants
local n_rewards = #rewards
local headers = {
   ["Content-Type"] = "application/json",
   ["X-API-Key"] = ids.key,
}
local body_format = '{"program_id":"' .. ids.program .. '","reward_id":"%s","idempotency_key":"%s"}'

counter = 0
statuses = {}
codes = {}

function init(args)
   -- tid is set by setup() before init() runs in the thread.
   math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

function request()
   if scenario == "healthz" then
      return wrk.format("GET", "/healthz")
   end
   if scenario == "drf_get" then
      return wrk.format("GET", "/api/v1/programs/" .. ids.program, {["X-API-Key"] = ids.key})
   end
   counter = counter + 1
   local participant, reward
   if scenario == "hot_reward" then
      participant = participants[math.random(2, n_participants)]
      reward = rewards[1]
   elseif scenario == "hot_participant" then
      participant = participants[1]
      reward = rewards[math.random(2, n_rewards)]
   else
      participant = participants[math.random(2, n_participants)]
      reward = rewards[math.random(2, n_rewards)]
   end
   local key = run_id .. "-" .. (tid or 0) .. "-" .. counter
   return wrk.format(
      "POST",
      "/api/v1/participants/" .. participant .. "/redemptions/catalog",
      headers,
      string.format(body_format, reward, key)
   )
end

function response(status, headers, body)
   local s = tostring(status)
   statuses[s] = (statuses[s] or 0) + 1
   if status >= 400 then
      local code = body and string.match(body, '"code"%s*:%s*"([%w_]+)"') or "?"
      local k = s .. " " .. code
      codes[k] = (codes[k] or 0) + 1
   end
end

local function json_table(t)
   local parts = {}
   for k, v in pairs(t) do
      table.insert(parts, string.format('"%s":%d', k, v))
   end
   return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
   local all_statuses, all_codes = {}, {}
   for _, thread in ipairs(threads) do
      for k, v in pairs(thread:get("statuses") or {}) do
         all_statuses[k] = (all_statuses[k] or 0) + v
      end
      for k, v in pairs(thread:get("codes") or {}) do
         all_codes[k] = (all_codes[k] or 0) + v
      end
   end
   local e = summary.errors
   local out = string.format(
      '{"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d},' ..
      '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"non_2xx":%d,' ..
      '"statuses":%s,"codes":%s}',
      summary.requests, summary.duration, summary.bytes,
      latency.min, latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(95),
      latency:percentile(99), latency:percentile(99.9),
      e.connect, e.read, e.write, e.timeout, e.status,
      json_table(all_statuses), json_table(all_codes)
   )
   if out_path then
      local f = assert(io.open(out_path, "w"))
      f:write(out)
      f:close()
   else
      io.write(out .. "\n")
   end
end
