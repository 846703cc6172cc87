-- logseal-peer.lua: what logseal's embedded default policy does, done as well as a Fluent Bit
-- `lua` filter can, as the peer logseal is measured against (bench/fluent-bit.ts).
--
--   [FILTER]  Name lua  Match *  script logseal-peer.lua  call logseal_peer  enable_flb_null on
--
-- `call logseal_peer`: key rules, free-text detectors, and a SHA-256 hash chain per tag added
-- as `_seal` {seq, prev, mac}. `call logseal_peer_redact` (or SEAL = false below): redaction
-- only. Key rules: the values of the secret-bearing keys below are masked at any depth
-- (case-insensitive) and `kubernetes.annotations` is removed. Detectors (Lua patterns plus
-- small validators): card numbers (Luhn, issuer, length; last 4 kept), IBANs (mod 97; last 4
-- kept), US SSNs, e-mail addresses, JWTs, PEM private keys, GitHub/Slack/Stripe/Google/AWS
-- tokens, `password=`-style pairs, Authorization credentials and URL passwords.
-- See bench/peers/README.md for what it cannot do the way logseal does.

local SEAL = true

local MASK = "[REDACTED]"

local ffi = require("ffi")
local bit = require("bit")
local byte, char, find, format, gsub, lower, rep, sub =
  string.byte, string.char, string.find, string.format, string.gsub, string.lower, string.rep, string.sub
local concat, sort = table.concat, table.sort
local type, pairs, next, tostring, floor = type, pairs, next, tostring, math.floor

---------------------------------------------------------------------------------------------
-- SHA-256 from OpenSSL's libcrypto through LuaJIT's FFI (Debian/Ubuntu: libcrypto.so.3; the
-- unversioned name exists only with the -dev package).

ffi.cdef [[ unsigned char *SHA256(const unsigned char *d, size_t n, unsigned char *md); ]]
local crypto
for _, name in ipairs({ "crypto", "libcrypto.so.3", "libcrypto.so.1.1" }) do
  local ok, lib = pcall(ffi.load, name)
  if ok then
    crypto = lib
    break
  end
end
if SEAL and not crypto then error("logseal-peer: libcrypto not found (tried crypto, libcrypto.so.3, libcrypto.so.1.1)") end

local digest = ffi.new("unsigned char[32]")
local HEX = {}
for i = 0, 255 do HEX[i] = format("%02x", i) end
local hexParts = {}

local function sha256hex(s)
  crypto.SHA256(s, #s, digest)
  for i = 0, 31 do hexParts[i + 1] = HEX[digest[i]] end
  return concat(hexParts, "", 1, 32)
end

---------------------------------------------------------------------------------------------
-- Key rules.

local SECRET_KEYS = {}
for _, k in ipairs({ "password", "passwd", "pwd", "secret", "client_secret", "private_key", "api_key", "apikey",
  "x-api-key", "token", "access_token", "refresh_token", "authorization", "cookie", "set-cookie" }) do
  SECRET_KEYS[k] = true
end

-- Key names repeat from record to record: remember each one's verdict instead of lower-casing
-- it every time (bounded, so arbitrary keys cannot grow it without limit).
local verdicts, verdictCount = {}, 0
local function isSecretKey(k)
  local v = verdicts[k]
  if v == nil then
    v = SECRET_KEYS[lower(k)] == true
    if verdictCount >= 10000 then
      verdicts, verdictCount = {}, 0
    end
    verdicts[k] = v
    verdictCount = verdictCount + 1
  end
  return v
end

---------------------------------------------------------------------------------------------
-- Detectors on string values. Each first checks cheaply (plain find) whether it can apply.

local function isDigit(b) return b ~= nil and b >= 48 and b <= 57 end
local function isAlnum(b)
  return b ~= nil and ((b >= 48 and b <= 57) or (b >= 65 and b <= 90) or (b >= 97 and b <= 122))
end
-- A number that goes on before/after (letters, digits, `_`, or `.`/`-` next to a digit).
local function continuesBefore(s, a)
  local b = byte(s, a - 1)
  return b == 95 or isAlnum(b) or ((b == 46 or b == 45) and isDigit(byte(s, a - 2)))
end
local function continuesAfter(s, e)
  local b = byte(s, e + 1)
  return b == 95 or isAlnum(b) or ((b == 46 or b == 45) and isDigit(byte(s, e + 2)))
end

-- Luhn over the digits of s[a..e], separators skipped.
local function luhn(s, a, e)
  local sum, double = 0, false
  for i = e, a, -1 do
    local d = byte(s, i) - 48
    if d >= 0 and d <= 9 then
      if double then
        d = d * 2
        if d > 9 then d = d - 9 end
      end
      sum = sum + d
      double = not double
    end
  end
  return sum % 10 == 0
end

local function knownIssuer(iin, digits)
  local d1, d2, d3, d4 = floor(iin / 100000), floor(iin / 10000), floor(iin / 1000), floor(iin / 100)
  if d1 == 4 then return digits == 13 or digits == 16 or digits == 19 end
  if d2 >= 51 and d2 <= 55 then return digits == 16 end
  if d4 >= 2221 and d4 <= 2720 then return digits == 16 end
  if d4 >= 2200 and d4 <= 2204 then return digits >= 16 end
  if d2 == 34 or d2 == 37 then return digits == 15 end
  if (d3 >= 300 and d3 <= 305) or d2 == 36 or d2 == 38 or d2 == 39 then return digits >= 14 end
  if d4 >= 3528 and d4 <= 3589 then return digits >= 16 end
  return d2 == 50 or (d2 >= 56 and d2 <= 69)
end

local function isCard(s, a, e, digits)
  if digits < 13 or digits > 19 then return false end
  local iin = tonumber((gsub(sub(s, a, a + 7), "%D", ""):sub(1, 6)))
  return knownIssuer(iin, digits) and luhn(s, a, e)
end

-- A partial mask as logseal writes it: separators (space, dash) stay, the other characters are
-- hidden except the last `keep` of them (all hidden when too short to still hide something).
local function partialMask(span, keep)
  local _, separators = gsub(span, "[ %-]", "")
  local significant = #span - separators
  local hide = significant - keep
  if hide <= 0 then hide = significant end
  return (gsub(span, "[^ %-]", function()
    if hide > 0 then
      hide = hide - 1
      return "*"
    end
    return nil
  end))
end

-- Masks, keeping the last 4, every match of `pattern` that `matchEnd(s, a, b)` confirms (a..b
-- is what `find` found; it returns where the secret ends, or nil). `quick` rejects most strings.
local function maskEach(s, quick, pattern, matchEnd)
  if not find(s, quick) then return s end
  local out, n, last, pos = nil, 0, 1, 1
  while true do
    local a, b = find(s, pattern, pos)
    if not a then break end
    local e = matchEnd(s, a, b)
    if e then
      out = out or {}
      out[n + 1] = sub(s, last, a - 1)
      out[n + 2] = partialMask(sub(s, a, e), 4)
      n = n + 2
      last = e + 1
      pos = e + 1
    else
      pos = b + 1
    end
  end
  if not out then return s end
  out[n + 1] = sub(s, last)
  return concat(out)
end

local groupEnds, groupDigits = {}, {}

-- Card numbers: 13-19 digits in one run, or a group of 4 then groups of 3-6 digits separated by
-- the same single space or dash; the longest valid layout wins. Masked keeping the last 4.
local function cardEnd(s, a, b)
  local e
  if not continuesBefore(s, a) then
    local run = b - a + 1
    if run >= 13 then
      if not continuesAfter(s, b) and isCard(s, a, b, run) then e = b end
    elseif run == 4 then
      local sep = byte(s, b + 1)
      if sep == 32 or sep == 45 then
        local groups, at, digits = 0, b, 4
        while groups < 6 and byte(s, at + 1) == sep and isDigit(byte(s, at + 2)) do
          local _, ge = find(s, "^%d+", at + 2)
          local g = ge - at - 1
          if g < 3 or g > 6 or digits + g > 19 then break end
          digits = digits + g
          at = ge
          groups = groups + 1
          groupEnds[groups], groupDigits[groups] = at, digits
        end
        for k = groups, 1, -1 do
          if groupDigits[k] < 13 then break end
          if not continuesAfter(s, groupEnds[k]) and isCard(s, a, groupEnds[k], groupDigits[k]) then
            e = groupEnds[k]
            break
          end
        end
      end
    end
  end
  return e
end

local function maskCards(s)
  return maskEach(s, "%d%d%d%d", "%d+", cardEnd)
end

-- IBAN lengths by country code.
local IBAN_LENGTH = {}
for cc, len in ("AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 "
  .. "EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 "
  .. "KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 "
  .. "PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"):gmatch("(%u%u)(%d%d)") do
  IBAN_LENGTH[cc] = tonumber(len)
end

-- ISO 7064 mod 97-10 over s[a..e] with the first four characters moved to the end.
local function ibanValid(s, a, e)
  local compact = gsub(sub(s, a, e), " ", "")
  local t = sub(compact, 5) .. sub(compact, 1, 4)
  local rem = 0
  for i = 1, #t do
    local b = byte(t, i)
    if b <= 57 then rem = (rem * 10 + b - 48) % 97 else rem = (rem * 100 + b - 55) % 97 end
  end
  return rem == 1
end

-- The end of an IBAN at `a`: `CCkk` + the account part to the country's length, in one run or
-- in groups of 4 separated by single spaces; nil if there is none.
local function ibanEnd(s, a)
  if isAlnum(byte(s, a - 1)) then return nil end
  local want = IBAN_LENGTH[sub(s, a, a + 1)]
  if not want then return nil end
  local grouped = byte(s, a + 4) == 32
  local j = a + 4
  for count = 4, want - 1 do
    if grouped and count % 4 == 0 then
      if byte(s, j) ~= 32 then return nil end
      j = j + 1
    end
    local b = byte(s, j)
    if not b or not ((b >= 48 and b <= 57) or (b >= 65 and b <= 90)) then return nil end
    j = j + 1
  end
  if isAlnum(byte(s, j)) or not ibanValid(s, a, j - 1) then return nil end
  return j - 1
end

-- IBANs, masked keeping the last 4.
local function maskIbans(s)
  return maskEach(s, "%u%u%d%d", "%u%u%d%d", ibanEnd)
end

-- US social security numbers AAA-GG-SSSS (or spaces) with the SSA's validity rules.
local function maskSsns(s)
  if not find(s, "%d%d%d[ %-]%d%d[ %-]%d%d%d%d") then return s end
  return (gsub(s, "()(%d%d%d)([ %-])(%d%d)%3(%d%d%d%d)()", function(a, area, _, group, serial, e)
    if continuesBefore(s, a) or continuesAfter(s, e - 1) then return nil end
    local av = tonumber(area)
    if av == 0 or av == 666 or av >= 900 or group == "00" or serial == "0000" then return nil end
    return MASK
  end))
end

-- E-mail addresses: local part, `@`, labels with a final letters-only TLD of 2+.
local function maskEmails(s)
  if not find(s, "@", 1, true) then return s end
  return (gsub(s, "([%w%._%%%+%-]+)@([%w%-][%w%.%-]*)", function(loc, dom)
    if #loc > 64 or byte(loc, 1) == 46 or byte(loc, -1) == 46 then return nil end
    local labels, validEnd, pos = 0, nil, 1
    while true do
      local a, b = find(dom, "^[%w%-]+", pos)
      if not a then break end
      if byte(dom, b) == 45 then break end
      labels = labels + 1
      if labels >= 2 and b - a >= 1 and find(sub(dom, a, b), "^%a+$") then validEnd = b end
      if byte(dom, b + 1) ~= 46 then break end
      pos = b + 2
    end
    if not validEnd then return nil end
    return MASK .. sub(dom, validEnd + 1)
  end))
end

-- Names that make the value after `=`/`:` a secret (matched at the end of the key, separators
-- ignored: DB_PASSWORD, x-api-key, client_secret).
local SENSITIVE = { "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "accesskey",
  "privatekey", "secretkey", "credentials" }

local function sensitiveName(key)
  local k = gsub(lower(key), "[_%-%.]", "")
  for i = 1, #SENSITIVE do
    local w = SENSITIVE[i]
    if #k >= #w and sub(k, -#w) == w then return true end
  end
  return false
end

local function maskPairs(s)
  local l = lower(s)
  if not (find(l, "pass", 1, true) or find(l, "pwd", 1, true) or find(l, "secret", 1, true)
      or find(l, "token", 1, true) or find(l, "key", 1, true) or find(l, "credential", 1, true)) then
    return s
  end
  -- quoted values: key"?: "value"
  s = gsub(s, "([%w_%.%-]+)([\"']?%s*[=:]%s*)([\"'])([^\"']+)%3", function(key, sep, q, value)
    if sensitiveName(key) then return key .. sep .. q .. MASK .. q end
    return nil
  end)
  -- unquoted values: key=value, key: value
  s = gsub(s, "([%w_%.%-]+)(%s*[=:]%s*)([^%s\"'&,;%)%]}{%[=:/][^%s\"'&,;%)%]}]*)", function(key, sep, value)
    if value == MASK or value == "null" or value == "true" or value == "false" then return nil end
    if sensitiveName(key) then return key .. sep .. MASK end
    return nil
  end)
  return s
end

-- `Authorization: <scheme> <credential>`: the credential only.
local function maskAuthorization(s)
  if not find(lower(s), "authorization", 1, true) then return s end
  return (gsub(s, "([Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Aa][Tt][Ii][Oo][Nn][\"']?%s*[:=]%s*[\"']?)(%a+ +)([^%s\"'&,;]+)",
    "%1%2" .. MASK))
end

local function lengthBetween(lo, hi)
  return function(token)
    if #token >= lo and #token <= hi then return MASK end
    return nil
  end
end

local function maskTokens(s)
  if find(s, "eyJ", 1, true) then
    s = gsub(s, "eyJ[%w_%-]+%.eyJ[%w_%-]+%.[%w_%-]*", MASK)
  end
  if find(s, "PRIVATE KEY", 1, true) then
    s = gsub(s, "%-%-%-%-%-BEGIN [%u ]*PRIVATE KEY%-%-%-%-%-.-%-%-%-%-%-END [%u ]*PRIVATE KEY%-%-%-%-%-", MASK)
  end
  if find(s, "gh[pousr]_") then s = gsub(s, "%f[%w]gh[pousr]_%w+", lengthBetween(40, 259)) end
  if find(s, "github_pat_", 1, true) then s = gsub(s, "%f[%w]github_pat_[%w_]+", lengthBetween(93, 266)) end
  if find(s, "xox", 1, true) then s = gsub(s, "%f[%w]xox[bpars]%-[%w%-]+", lengthBetween(25, 255)) end
  if find(s, "k_live_", 1, true) then s = gsub(s, "%f[%w][sr]k_live_%w+", lengthBetween(32, 255)) end
  if find(s, "k_test_", 1, true) then s = gsub(s, "%f[%w][sr]k_test_%w+", lengthBetween(32, 255)) end
  if find(s, "AIza", 1, true) then s = gsub(s, "%f[%w_%-]AIza[%w_%-]+", lengthBetween(39, 39)) end
  if find(s, "A[KS]IA") then s = gsub(s, "%f[%w]A[KS]IA[%u%d]+", lengthBetween(20, 20)) end
  if find(s, "://", 1, true) then
    s = gsub(s, "(%a[%w%+%.%-]*://[^%s:/@\"']+:)([^%s/@\"']+)@", "%1" .. MASK .. "@")
  end
  return s
end

local function scanString(s)
  if #s < 6 then return s end
  s = maskTokens(s)
  s = maskAuthorization(s)
  s = maskPairs(s)
  s = maskEmails(s)
  s = maskCards(s)
  s = maskSsns(s)
  s = maskIbans(s)
  return s
end

---------------------------------------------------------------------------------------------
-- The redacting walk: key rules first, detectors on every other string value.

local function redact(t)
  local changed = false
  for k, v in pairs(t) do
    if type(k) == "string" and isSecretKey(k) then
      t[k] = MASK
      changed = true
    else
      local tv = type(v)
      if tv == "string" then
        local r = scanString(v)
        if r ~= v then
          t[k] = r
          changed = true
        end
      elseif tv == "table" then
        if redact(v) then changed = true end
      end
    end
  end
  return changed
end

-- The default policy's keep rules: who acted in an audit event stays readable.
local function keptUsername(record, key)
  local who = record[key]
  if type(who) == "table" then return who.username end
  return nil
end

local function redactRecord(record)
  local changed = false
  local user, impersonated = keptUsername(record, "user"), keptUsername(record, "impersonatedUser")
  local k8s = record.kubernetes
  if type(k8s) == "table" and k8s.annotations ~= nil then
    k8s.annotations = nil
    changed = true
  end
  if redact(record) then changed = true end
  if user ~= nil then record.user.username = user end
  if impersonated ~= nil then record.impersonatedUser.username = impersonated end
  return changed
end

---------------------------------------------------------------------------------------------
-- Canonical serialisation (object keys sorted, compact JSON) and the chain per tag.

local ESCAPES = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
setmetatable(ESCAPES, { __index = function(t, c)
  local e = format("\\u%04x", byte(c))
  rawset(t, c, e)
  return e
end })

local buf, keysScratch = {}, {}

local function canon(v, n, depth)
  local tv = type(v)
  if tv == "string" then
    if find(v, '[%c"\\]') then v = gsub(v, '[%c"\\]', ESCAPES) end
    buf[n + 1] = '"'
    buf[n + 2] = v
    buf[n + 3] = '"'
    return n + 3
  elseif tv == "number" then
    if v == floor(v) and v > -1e15 and v < 1e15 then buf[n + 1] = format("%d", v)
    else buf[n + 1] = format("%.17g", v) end
    return n + 1
  elseif tv == "boolean" then
    buf[n + 1] = v and "true" or "false"
    return n + 1
  elseif tv == "table" then
    local len = #v
    if len > 0 or next(v) == nil then
      buf[n + 1] = "["
      n = n + 1
      for i = 1, len do
        if i > 1 then
          n = n + 1
          buf[n] = ","
        end
        n = canon(v[i], n, depth + 1)
      end
      buf[n + 1] = "]"
      return n + 1
    end
    local keys = keysScratch[depth]
    if not keys then
      keys = {}
      keysScratch[depth] = keys
    end
    local count = 0
    for k in pairs(v) do
      count = count + 1
      keys[count] = tostring(k)
    end
    for i = count + 1, #keys do keys[i] = nil end
    sort(keys)
    buf[n + 1] = "{"
    n = n + 1
    for i = 1, count do
      local k = keys[i]
      if i > 1 then
        n = n + 1
        buf[n] = ","
      end
      n = canon(k, n, depth + 1)
      n = n + 1
      buf[n] = ":"
      local value = v[k]
      if value == nil then value = v[tonumber(k)] end
      n = canon(value, n, depth + 1)
    end
    buf[n + 1] = "}"
    return n + 1
  else
    buf[n + 1] = "null" -- flb_null (enable_flb_null) and anything else
    return n + 1
  end
end

local ZERO = rep("0", 64)
local chains = {}

local function seal(tag, timestamp, record)
  local chain = chains[tag]
  if not chain then
    chain = { seq = 0, prev = ZERO }
    chains[tag] = chain
  end
  local n = canon(record, 0, 1)
  local message = tag .. "\n" .. format("%.9f", timestamp) .. "\n" .. chain.prev .. "\n" .. concat(buf, "", 1, n)
  local mac = sha256hex(message)
  chain.seq = chain.seq + 1
  record._seal = { seq = chain.seq, prev = chain.prev, mac = mac }
  chain.prev = mac
end

---------------------------------------------------------------------------------------------
-- Entry points (return code 2: record modified, timestamp kept; 0: unchanged).

function logseal_peer(tag, timestamp, record)
  local changed = redactRecord(record)
  if SEAL then
    seal(tag, timestamp, record)
    return 2, timestamp, record
  end
  if changed then return 2, timestamp, record end
  return 0, timestamp, record
end

function logseal_peer_redact(tag, timestamp, record)
  if redactRecord(record) then return 2, timestamp, record end
  return 0, timestamp, record
end
