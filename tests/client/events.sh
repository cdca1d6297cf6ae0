#!/bin/sh
# tests/client/events.sh: `sztpboot run --events FILE` writes the events of
# docs/events.md, valid under docs/events.schema.json (tests/lib/events_check.py),
# for a run that succeeds and one that fails; and the checker itself refuses
# files that break the schema (so that its "ok" means something).
. "$(dirname "$0")/lib.inc"

check_events() { # FILE ARGS...: the checker's verdict on FILE
	f=$1
	shift
	python3 "$top/tests/lib/events_check.py" "$top/docs/events.schema.json" "$f" "$@"
}

OB='{}'
p1=$(free_port)
start_server s1 "$p1" "{\"pki\": \"$pki\", \"devices\": {\"*\": {\"reporting_level\": \"verbose\", \"onboarding\": $OB}}}"

# ---- a run that succeeds
client $trusted --no-pivot --max-rounds 1 --events "$tmp/ok.jsonl" "https://127.0.0.1:$p1"
v=$(check_events "$tmp/ok.jsonl" --last result:ok --has bootstrap:start \
	--has bootstrap:ok:onboarding-information --has onboarding:start:bootstrap-initiated \
	--has onboarding:ok:bootstrap-complete --has bootstrap:ok:complete 2>&1)
vr=$?
if [ $rc -eq 0 ] && [ $vr -eq 0 ] && echo "$v" | grep -q "events: ok$"; then
	ok events_success_valid
else
	bad events_success_valid "rc=$rc checker: $v"
fi
last=$(tail -n 1 "$tmp/ok.jsonl")
if echo "$last" | grep -q "\"serial\":\"SZTP-DEMO-0001\",\"phase\":\"result\",\"outcome\":\"ok\",\"source\":\"command line\",\"server\":\"https://127.0.0.1:$p1\"" &&
   echo "$last" | grep -q '"duration":[0-9]'; then
	ok events_success_result_line
else
	bad events_success_result_line "last line: $last"
fi
if has "== phase bootstrap: 1 source\(s\)" && has "== phase onboarding: acting on the onboarding information from https://127.0.0.1:$p1"; then
	ok events_phase_markers_on_console
else
	bad events_phase_markers_on_console "no phase marker lines"
fi

# ---- a run that fails: a 503 first, then a closed port
stop_server s1
start_server s1 "$p1" "{\"pki\": \"$pki\", \"faults\": [{\"path\": \"/restconf/operations/*\", \"status\": 503, \"body\": \"maintenance\"}]}"
closed=$(free_port)
client $trusted --no-pivot --max-rounds 2 --events "$tmp/fail.jsonl" "https://127.0.0.1:$p1" "https://127.0.0.1:$closed"
v=$(check_events "$tmp/fail.jsonl" --last result:fail --has bootstrap:fail:get-bootstrapping-data \
	--has bootstrap:fail:connect --has bootstrap:fail:source --has bootstrap:retry:round 2>&1)
vr=$?
if [ $rc -eq 1 ] && [ $vr -eq 0 ] && echo "$v" | grep -q "events: ok$" &&
   grep -q "\"server\":\"https://127.0.0.1:$p1\",\"round\":2,\"reason\":\"HTTP 503 (expected 200)" "$tmp/fail.jsonl" &&
   tail -n 1 "$tmp/fail.jsonl" | grep -q '"reason":"no bootstrap source succeeded in 2 round(s)"'; then
	ok events_failure_valid
else
	bad events_failure_valid "rc=$rc checker: $v; last: $(tail -n 1 "$tmp/fail.jsonl")"
fi
stop_server s1

# ---- --events where nothing can be written: exit 1, before any server is contacted
client --no-pivot --max-rounds 1 --events /nonexistent-dir/x.jsonl "https://127.0.0.1:$closed"
expect events_unwritable 1 has "run: --events /nonexistent-dir/x.jsonl: No such file or directory"

# ---- the checker refuses what breaks the schema
good=$(head -n 1 "$tmp/ok.jsonl")
bad_case() { # NAME CONTENT WHY-REGEX
	printf '%s\n' "$2" >"$tmp/bad.jsonl"
	v=$(check_events "$tmp/bad.jsonl" 2>&1)
	r=$?
	if [ $r -eq 1 ] && echo "$v" | grep -Eq -- "$3"; then
		ok "checker_refuses_$1"
	else
		bad "checker_refuses_$1" "exit $r: $v"
	fi
}
bad_case unknown_field "$(echo "$good" | sed 's/^{/{"extra":1,/')" "extra is not a field of the schema"
bad_case bad_phase "$(echo "$good" | sed 's/"phase":"[a-z]*"/"phase":"warmup"/')" "phase: 'warmup' is not one of"
bad_case missing_outcome "$(echo "$good" | sed 's/,"outcome":"[a-z]*"//')" "outcome is missing"
bad_case seq_gap "$good
$(echo "$good" | sed 's/"seq":1,/"seq":3,/')" "line 2: seq is 3, want 2"
bad_case bad_time "$(echo "$good" | sed 's/"time":"[^"]*"/"time":"yesterday"/')" "does not match"
bad_case not_json "{\"v\":1," "not one JSON object"
bad_case bad_onboarding_step '{"v":1,"seq":1,"time":"2025-01-01T00:00:00.000Z","uptime":1,"phase":"onboarding","outcome":"ok","step":"bootstrap-done"}' "step: 'bootstrap-done' is not one of"
bad_case result_without_duration '{"v":1,"seq":1,"time":"2025-01-01T00:00:00.000Z","uptime":1,"phase":"result","outcome":"ok"}' "duration is missing"
printf '%s\n' "$good" >"$tmp/one.jsonl"
v=$(check_events "$tmp/one.jsonl" --last result:ok 2>&1)
if [ $? -eq 1 ] && echo "$v" | grep -q "the last event is bootstrap:start, want result:ok"; then ok checker_checks_last; else bad checker_checks_last "$v"; fi

t_summary
