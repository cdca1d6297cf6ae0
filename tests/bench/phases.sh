#!/bin/sh
# phases.sh CONSOLE: the agent's boot phases, from its own log timestamps
# ("[  12.345] stage: ..." lines: seconds since the kernel started, the
# agent's CLOCK_BOOTTIME) in a QEMU serial console log. One line per phase:
# "NAME SECONDS". Phases (each from the line that ends the one before):
#   agent_start   kernel start to "sztpboot: sztpboot ... starting"
#   coldplug      to "coldplug: loaded N modules"
#   identity      to "net: N link(s)" (TPM identity, hooks)
#   network       to "clock: bound" (addresses, discovery; the contact stage
#                 begins with the clock)
#   bootstrap     to "bootstrapping complete" (TLS, verification, reports;
#                 with an image, the image too: image is then given apart)
#   image         "boot-image: ... initiated"-like lines to the image's end
#                 ("written to" / "is already installed"), when present
#   handover      to "powering off" / "switch_root" / "kexec"
#   agent_total   agent start to handover end
#   agent_no_image  agent_total minus image
set -eu
tr -d '\r' <"$1" | awk '
	function t(line) { return substr(line, 2, index(line, "]") - 2) + 0 }
	/^\[ *[0-9]+\.[0-9]+\] / {
		s = t($0)
		if (!start && / sztpboot: sztpboot .* starting/) start = s
		if (!start) next
		if (!cp && / coldplug: loaded [0-9]+ modules/) cp = s
		if (!nl && / net: [0-9]+ links?: /) nl = s
		if (!ck && / clock: bound /) ck = s
		if (!im0 && /boot-image-initiated|image: (streaming|fetching|downloading)/) im0 = s
		if (!im1 && im0 && /(written to|is already installed)/) im1 = s
		if (!bs && /bootstrapping complete/) bs = s
		if (/ sztpboot: (powering off|rebooting)| pivot: | switch_root| kexec/) ho = s
	}
	END {
		if (!start) { print "phases: no agent start line" > "/dev/stderr"; exit 1 }
		printf "agent_start %.3f\n", start
		if (cp) printf "coldplug %.3f\n", cp - start
		if (cp && nl) printf "identity %.3f\n", nl - cp
		if (nl && ck) printf "network %.3f\n", ck - nl
		if (ck && bs) printf "bootstrap %.3f\n", bs - ck
		im = (im0 && im1) ? im1 - im0 : 0
		if (im0 && im1) printf "image %.3f\n", im
		if (bs && ho) printf "handover %.3f\n", ho - bs
		if (ho) { printf "agent_total %.3f\n", ho - start; printf "agent_no_image %.3f\n", ho - start - im }
	}'
