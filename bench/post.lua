-- wrk script: POST a JSON body with a token; the body comes from the environment.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Token " .. token end
local prefer = os.getenv("BENCH_PREFER")
if prefer and prefer ~= "" then wrk.headers["Prefer"] = prefer end
