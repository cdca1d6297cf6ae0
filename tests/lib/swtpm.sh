# tests/lib/swtpm.sh: a TPM 2.0 simulator for the host suites (sourced after
# tests/lib/common.sh; POSIX sh; needs swtpm, tpm2-tools and python3).
#
#   swtpm_up DIR    swtpm with its state in DIR/state (made), listening on two
#                   consecutive free loopback ports (command, control), started
#                   up (TPM2_Startup done), tracked (stopped at exit by
#                   common.sh). Sets SWTPM_PID, SWTPM_PORT (the command port)
#                   and SWTPM_TCTI ("swtpm:host=127.0.0.1,port=PORT", for
#                   TPM2TOOLS_TCTI, SZTP_TCTI and `sztpboot ... --tpm`); status
#                   1 when it does not answer within 5 s (its output is in
#                   DIR/swtpm.log).

command -v t_track >/dev/null 2>&1 ||
	{ echo "tests/lib/swtpm.sh: source tests/lib/common.sh first" >&2; exit 1; }

swtpm_up() {
	SWTPM_PORT=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randrange(20000, 60000, 2)
    ss = [socket.socket() for _ in range(2)]
    try:
        for s, q in zip(ss, (p, p + 1)):
            s.bind(("127.0.0.1", q))
        print(p)
        break
    except OSError:
        pass
    finally:
        for s in ss:
            s.close()
PY
)
	mkdir -p "$1/state"
	swtpm socket --tpm2 --tpmstate dir="$1/state" \
		--server type=tcp,port="$SWTPM_PORT",bindaddr=127.0.0.1 \
		--ctrl type=tcp,port=$((SWTPM_PORT + 1)),bindaddr=127.0.0.1 \
		--flags not-need-init,startup-clear >"$1/swtpm.log" 2>&1 &
	SWTPM_PID=$!
	t_track "$SWTPM_PID"
	SWTPM_TCTI=swtpm:host=127.0.0.1,port=$SWTPM_PORT
	t_wait 5 "$SWTPM_PID" swtpm_answers
}

# swtpm_answers: the TPM at $SWTPM_TCTI answers a command
swtpm_answers() {
	TPM2TOOLS_TCTI=$SWTPM_TCTI tpm2_getcap properties-fixed >/dev/null 2>&1
}
