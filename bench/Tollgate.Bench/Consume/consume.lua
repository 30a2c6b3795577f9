-- wrk script: POST one consume body with an API key, on every connection, as fast as answers come.
--   WRK_BODY='{"quotaType":"chat/messages","amount":1}' WRK_API_KEY=tg_... \
--     wrk -t2 -c64 -d10s -s consume.lua http://127.0.0.1:5000/v1/quota/consume
-- Without WRK_API_KEY it sends no key (the bench's no-op Kestrel endpoint needs none).
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY") or '{"quotaType":"bench/q0","amount":1}'
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("WRK_API_KEY")
if key and key ~= "" then
  wrk.headers["X-Api-Key"] = key
end
