/*
 * onboard.h: acting on verified onboarding information (RFC 8572 section
 * 5.6), in the strict order bootstrap-initiated, parse, boot image,
 * pre-configuration script, configuration, post-configuration script,
 * bootstrap-complete, with a progress report at each step (bs_report()
 * decides which are sent).
 *
 * This is the skeleton the image/script/configuration work fills in. Today
 * it logs what the onboarding information holds and completes only when
 * there is nothing to do; a step that would have to act (a boot image, a
 * script, a configuration) is reported honestly as that step's *-error
 * ("... not implemented yet") and the onboarding information is abandoned,
 * so the device goes back to the source loop rather than claim success.
 */
#ifndef SZTP_ONBOARD_H
#define SZTP_ONBOARD_H

#include "conveyed.h"
#include "err.h"

struct bs_state;

/* Log a one-line summary of `ob` (stage "bootstrap"). */
void onboard_log(const struct conveyed_onboarding *ob);

/*
 * Run the onboarding steps for `ob` received from the server `st` is talking
 * to. Returns 0 when bootstrapping is complete (bootstrap-complete sent and
 * acknowledged where reports are sent), -1 with `e` set otherwise.
 */
int onboard_run(struct bs_state *st, const struct conveyed_onboarding *ob, struct err *e);

#endif
