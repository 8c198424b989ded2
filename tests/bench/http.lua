-- wrk script of the HTTP benchmark (tests/bench/http.py): one request shape per run, and a
-- count of every status so that a page answering 200 instead of 303 cannot pass unseen.
--
-- wrk ... -s http.lua URL -- METHOD [BODY_FILE COOKIE]
-- A body holding ONDERNEMINGSNUMMER gets a fresh, valid enterprise number (mod 97) in every
-- request: the form refuses a second registration with the same number.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local method, template, headers, fixed
local counter = 0

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  return data
end

function init(args)
  statuses = {}
  method = args[1] or "GET"
  headers = {}
  if args[3] and args[3] ~= "" then
    headers["Cookie"] = args[3]
  end
  if method == "POST" then
    template = read_file(args[2])
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    if not template:find("ONDERNEMINGSNUMMER", 1, true) then
      fixed = wrk.format("POST", nil, headers, template)
    end
  else
    fixed = wrk.format("GET", nil, headers)
  end
end

local function ondernemingsnummer()
  -- Each thread counts in its own range of eight-digit bases: unique in the whole run.
  counter = counter + 1
  local base = 2000000 + id * 3000000 + counter
  return string.format("0%07d%02d", base, 97 - base % 97)
end

function request()
  if fixed then
    return fixed
  end
  local body = template:gsub("ONDERNEMINGSNUMMER", ondernemingsnummer())
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    table.concat(parts, ", ")))
end
