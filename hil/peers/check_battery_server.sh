#!/usr/bin/env bash
# Checks hil/peers/battery_server.py with the independent Modbus master `mbpoll`, over Modbus TCP and over
# Modbus RTU through a socat pseudo-terminal pair. Prints one PASS/FAIL line per check; exits 0 only when every
# check passes. Cleans up every process it started (server, socat) on exit.
#
#   hil/peers/check_battery_server.sh            # both transports
#   hil/peers/check_battery_server.sh tcp        # only TCP (or: rtu)
#
# Needs: /usr/bin/python3 with python3-pymodbus 3.0.0, mbpoll, socat.
# mbpoll: -0 PDU addressing, -1 one poll, -t 4 holding (4:hex, 4:int with -B = int32 high word first),
# exit code 1 with "Illegal data value" / "Illegal data address" / "Connection timed out" on stderr.
# Sign convention (SunSpec 701 W): positive = discharge, negative = charge; so "charge at 5 MW" is WSet=-5000000.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
PY=/usr/bin/python3
SERVER="$HERE/battery_server.py"
TMP="$(mktemp -d /tmp/check_battery.XXXXXX)"
FAILS=0
PIDS=()
MODES="${1:-tcp rtu}"

cleanup() {
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null
  done
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && wait "$p" 2>/dev/null
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; FAILS=$((FAILS + 1)); }

# --- mbpoll wrappers (CONN and DEV are set per transport) -------------------------------------------------
# mb_read TYPE REF COUNT  -> values on stdout, one a line; mbpoll's stderr in $TMP/err; returns mbpoll's rc
# (32-bit types 4:int are always read/written high word first, -B)
bflag() { case "$1" in *:int|*:float) echo -B ;; esac; }
mb_read() {
  mbpoll "${CONN[@]}" -0 -1 -o "${MB_TIMEOUT:-1}" -t "$1" $(bflag "$1") -r "$2" -c "$3" "$DEV" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  awk '/^\[[0-9]+\]:/ {print $2}' "$TMP/out"
  return $rc
}
# mb_write TYPE REF VALUE...  -> rc; stderr in $TMP/err
mb_write() {
  local t="$1" r="$2"
  shift 2
  mbpoll "${CONN[@]}" -0 -1 -t "$t" $(bflag "$t") -r "$r" "$DEV" -- "$@" >"$TMP/out" 2>"$TMP/err"
}
s16() { local v="$1"; [ "$v" -gt 32767 ] 2>/dev/null && v=$((v - 65536)); echo "$v"; }
errmsg() { tr '\n' ' ' <"$TMP/err" | sed 's/ *$//'; }

# start_server OUTFILE ARGS... -> waits for the JSON ready line (10 s), sets SRV_PID
start_server() {
  local out="$1"
  shift
  "$PY" "$SERVER" "$@" >"$out" 2>"$out.err" &
  SRV_PID=$!
  PIDS+=("$SRV_PID")
  for _ in $(seq 100); do
    if grep -q '"ready": true' "$out" 2>/dev/null; then return 0; fi
    if ! kill -0 "$SRV_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "server did not become ready: $(cat "$out.err")"
  return 1
}
stop_server() {
  kill -TERM "$1" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$1" 2>/dev/null; then fail "server $1 did not exit on SIGTERM"; kill -9 "$1"; else
    wait "$1"; local rc=$?
    [ $rc -eq 0 ] && pass "[$LABEL] server exits 0 on SIGTERM" || fail "[$LABEL] server exit code $rc on SIGTERM"
  fi
}
json() { "$PY" -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); print($2)" "$1"; }

# Register addresses: computed by the server (--dump-map), not hard-coded here.
"$PY" "$SERVER" --dump-map >"$TMP/map.json" || { echo "dump-map failed"; exit 1; }
addr() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['points'][sys.argv[2]]['addr'])" "$TMP/map.json" "$1"; }
A_SOC802=$(addr 802.SoC); A_HB=$(addr 802.Hb); A_CTRLHB=$(addr 802.CtrlHb); A_CHAST=$(addr 802.ChaSt)
A_W=$(addr 701.W); A_WSF=$(addr 701.W_SF)
A_ENA=$(addr 704.WSetEna); A_MOD=$(addr 704.WSetMod); A_WSET=$(addr 704.WSet); A_WSETSF=$(addr 704.WSet_SF)
A_TMS=$(addr 704.WSetRvrtTms); A_REM=$(addr 704.WSetRvrtRem); A_SOC713=$(addr 713.SoC)
echo "addresses: 802.SoC=$A_SOC802 802.Hb=$A_HB 802.CtrlHb=$A_CTRLHB 701.W=$A_W 701.W_SF=$A_WSF" \
  "704.WSetEna=$A_ENA 704.WSetMod=$A_MOD 704.WSet=$A_WSET 704.WSet_SF=$A_WSETSF 704.WSetRvrtTms=$A_TMS" \
  "704.WSetRvrtRem=$A_REM 713.SoC=$A_SOC713"

checks() {
  local ready="$1"
  # 1. SunS marker
  local v
  v=$(mb_read 4:hex 40000 2 | tr '\n' ' ')
  [ "$v" = "0x5375 0x6E53 " ] && pass "[$LABEL] 40000..40001 = $v(SunS)" || fail "[$LABEL] SunS marker: got '$v' $(errmsg)"

  # 2. walk the model chain (ID, L) and compare with the ready line
  local a=40002 chain="" id len n=0
  while [ $n -lt 10 ]; do
    read -r id len < <(mb_read 4 "$a" 2 | tr '\n' ' ')
    [ -z "${id:-}" ] && { fail "[$LABEL] chain read at $a: $(errmsg)"; break; }
    chain+="[$id@$a L=$len] "
    [ "$id" = 65535 ] && break
    a=$((a + 2 + len)); n=$((n + 1))
  done
  local expect
  expect=$(json "$ready" '" ".join("[%d@%d L=%d]" % tuple(m) for m in d["models"]) + " [65535@%d L=0]" % d["end"]')
  [ "$chain" = "$expect " ] && pass "[$LABEL] chain: $chain" || fail "[$LABEL] chain: got '$chain' expected '$expect'"

  # 3. scale factors
  local wsf wsetsf
  wsf=$(s16 "$(mb_read 4 "$A_WSF" 1)"); wsetsf=$(s16 "$(mb_read 4 "$A_WSETSF" 1)")
  [ "$wsf" = 3 ] && [ "$wsetsf" = 0 ] && pass "[$LABEL] 701.W_SF=$wsf 704.WSet_SF=$wsetsf" \
    || fail "[$LABEL] scale factors W_SF='$wsf' WSet_SF='$wsetsf'"

  # 4. heartbeat: Hb advances, CtrlHb is writable
  local hb1 hb2
  hb1=$(mb_read 4 "$A_HB" 1); sleep 1.1; hb2=$(mb_read 4 "$A_HB" 1)
  [ -n "$hb1" ] && [ -n "$hb2" ] && [ "$hb2" -gt "$hb1" ] && pass "[$LABEL] 802.Hb $hb1 -> $hb2 after 1.1 s" \
    || fail "[$LABEL] 802.Hb '$hb1' -> '$hb2'"
  if mb_write 4 "$A_CTRLHB" 7 && [ "$(mb_read 4 "$A_CTRLHB" 1)" = 7 ]; then pass "[$LABEL] 802.CtrlHb written 7 (FC6), read back 7"
  else fail "[$LABEL] CtrlHb write/read: $(errmsg)"; fi

  # 5. reversion time 2 s, enable, WSetMod=WATTS, WSet=-5 MW (charge), all via mbpoll
  mb_write 4:int "$A_TMS" 2 || fail "[$LABEL] write WSetRvrtTms: $(errmsg)"
  mb_write 4 "$A_MOD" 1 || fail "[$LABEL] write WSetMod: $(errmsg)"
  mb_write 4 "$A_ENA" 1 || fail "[$LABEL] write WSetEna: $(errmsg)"
  if mb_write 4:int "$A_WSET" -5000000; then pass "[$LABEL] WSetEna=1 (FC6), WSetRvrtTms=2, WSet=-5000000 W (int32 FC16 -t 4:int -B)"
  else fail "[$LABEL] write WSet: $(errmsg)"; fi
  local wset
  wset=$(mb_read 4:int "$A_WSET" 1)
  [ "$wset" = -5000000 ] && pass "[$LABEL] WSet read back as int32: $wset" || fail "[$LABEL] WSet read back '$wset'"
  sleep 1
  local w chast rem soc1 soc2
  w=$(s16 "$(mb_read 4 "$A_W" 1)"); chast=$(mb_read 4 "$A_CHAST" 1); rem=$(mb_read 4:int "$A_REM" 1)
  if [ -n "$w" ] && [ "$w" -le -4900 ] && [ "$w" -ge -5100 ] && [ "$chast" = 4 ]; then
    pass "[$LABEL] after 1 s: 701.W=$w x10^$wsf W (~-5 MW, charging), 802.ChaSt=$chast (CHARGING), WSetRvrtRem=$rem s"
  else fail "[$LABEL] after 1 s: W='$w' ChaSt='$chast' $(errmsg)"; fi
  soc1=$(mb_read 4 "$A_SOC713" 1)

  # 6. out-of-bounds WSet (-50 MW, limit 10 MW) -> exception 03
  mb_write 4:int "$A_WSET" -50000000
  local rc=$?
  if [ $rc -eq 1 ] && grep -q "Illegal data value" "$TMP/err"; then pass "[$LABEL] WSet=-50000000 -> rc=1 '$(errmsg)'"
  else fail "[$LABEL] out-of-bounds WSet: rc=$rc '$(errmsg)'"; fi

  # 7. write to a read-only register (701.W) -> exception 02
  mb_write 4 "$A_W" 5
  rc=$?
  if [ $rc -eq 1 ] && grep -q "Illegal data address" "$TMP/err"; then pass "[$LABEL] write 701.W (read-only) -> rc=1 '$(errmsg)'"
  else fail "[$LABEL] read-only write: rc=$rc '$(errmsg)'"; fi

  # 8. reads outside the served range -> exception 02
  local end
  end=$(json "$ready" 'd["end"]')
  mb_read 4 $((end + 2)) 1 >/dev/null
  rc=$?
  if [ $rc -eq 1 ] && grep -q "Illegal data address" "$TMP/err"; then pass "[$LABEL] read $((end + 2)) (past end marker) -> rc=1 '$(errmsg)'"
  else fail "[$LABEL] read past end: rc=$rc '$(errmsg)'"; fi
  mb_read 4 39999 1 >/dev/null
  rc=$?
  if [ $rc -eq 1 ] && grep -q "Illegal data address" "$TMP/err"; then pass "[$LABEL] read 39999 (below base) -> rc=1 '$(errmsg)'"
  else fail "[$LABEL] read below base: rc=$rc '$(errmsg)'"; fi

  # 9. reversion: no WSet write since step 5; after WSetRvrtTms=2 s (+ response) W is back to 0
  sleep 2.2
  w=$(s16 "$(mb_read 4 "$A_W" 1)")
  wset=$(mb_read 4:int "$A_WSET" 1)
  soc2=$(mb_read 4 "$A_SOC713" 1)
  if [ "$w" = 0 ] && [ "$wset" = 0 ]; then pass "[$LABEL] reversion: WSet=$wset, 701.W=$w after >2 s without a WSet write"
  else fail "[$LABEL] reversion: W='$w' WSet='$wset'"; fi
  if grep -q '"event": "reversion"' "$ready.err"; then pass "[$LABEL] server logged: $(grep '"event": "reversion"' "$ready.err" | head -1)"
  else fail "[$LABEL] no reversion line on server stderr"; fi
  [ -n "$soc1" ] && [ -n "$soc2" ] && [ "$soc2" -gt 5000 ] && pass "[$LABEL] 713.SoC (x10^-2 %) during/after charge: $soc1 -> $soc2" \
    || fail "[$LABEL] 713.SoC '$soc1' -> '$soc2'"
}

for MODE in $MODES; do
  case "$MODE" in
  tcp)
    LABEL=tcp
    start_server "$TMP/tcp.json" --tcp 127.0.0.1:0 || { fail "[tcp] start"; continue; }
    echo "ready line: $(cat "$TMP/tcp.json")"
    PORT=$(json "$TMP/tcp.json" 'd["tcp_port"]')
    CONN=(-m tcp -p "$PORT"); DEV=127.0.0.1
    checks "$TMP/tcp.json"
    # fault hook: SIGUSR1 freezes (no answer -> mbpoll times out), a second SIGUSR1 thaws
    kill -USR1 "$SRV_PID"; sleep 0.2
    mb_read 4 40000 1 >/dev/null; rc=$?
    if [ $rc -eq 1 ] && grep -qi "timed out" "$TMP/err"; then pass "[tcp] SIGUSR1 freeze -> rc=1 '$(errmsg)'"
    else fail "[tcp] freeze: rc=$rc '$(errmsg)'"; fi
    kill -USR1 "$SRV_PID"; sleep 0.2
    [ "$(mb_read 4:hex 40000 1)" = 0x5375 ] && pass "[tcp] second SIGUSR1 thaws: 40000 = 0x5375" || fail "[tcp] thaw: $(errmsg)"
    stop_server "$SRV_PID"
    # fault hook: --delay-ms 1500: mbpoll -o 1 times out, -o 3 gets the answer
    LABEL=tcp-delay
    start_server "$TMP/delay.json" --tcp 127.0.0.1:0 --delay-ms 1500 || { fail "[tcp-delay] start"; continue; }
    CONN=(-m tcp -p "$(json "$TMP/delay.json" 'd["tcp_port"]')")
    mb_read 4 40000 1 >/dev/null; rc=$?
    [ $rc -eq 1 ] && grep -qi "timed out" "$TMP/err" && pass "[tcp-delay] --delay-ms 1500, timeout 1 s -> rc=1 '$(errmsg)'" \
      || fail "[tcp-delay] rc=$rc '$(errmsg)'"
    sleep 1
    v=$(MB_TIMEOUT=3 mb_read 4:hex 40000 1)
    [ "$v" = 0x5375 ] && pass "[tcp-delay] timeout 3 s -> 40000 = $v" || fail "[tcp-delay] with -o 3: '$v' $(errmsg)"
    stop_server "$SRV_PID"
    ;;
  rtu)
    LABEL=rtu
    socat -d -d "pty,raw,echo=0,link=$TMP/a" "pty,raw,echo=0,link=$TMP/b" 2>"$TMP/socat.err" &
    SOCAT_PID=$!
    PIDS+=("$SOCAT_PID")
    for _ in $(seq 50); do [ -e "$TMP/a" ] && [ -e "$TMP/b" ] && break; sleep 0.1; done
    [ -e "$TMP/b" ] || { fail "[rtu] socat pty pair not created: $(cat "$TMP/socat.err")"; continue; }
    start_server "$TMP/rtu.json" --rtu "$TMP/a" --baud 115200 || { fail "[rtu] start"; continue; }
    echo "ready line: $(cat "$TMP/rtu.json")"
    CONN=(-m rtu -b 115200 -P none -d 8 -s 1 -a 1); DEV="$TMP/b"
    checks "$TMP/rtu.json"
    stop_server "$SRV_PID"
    kill "$SOCAT_PID" 2>/dev/null
    ;;
  *) echo "unknown mode $MODE"; exit 2 ;;
  esac
done

echo
if [ $FAILS -eq 0 ]; then echo "ALL CHECKS PASSED"; exit 0; fi
echo "$FAILS CHECK(S) FAILED"
exit 1
