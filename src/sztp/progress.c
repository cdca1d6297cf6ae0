/* progress.c: progress-report types and reporting levels (see progress.h). */
#include "sztp/progress.h"

#include <string.h>

static const char *const names[PROGRESS_N] = {
	"bootstrap-initiated", "parsing-initiated", "parsing-warning", "parsing-error",
	"parsing-complete", "boot-image-initiated", "boot-image-warning",
	"boot-image-error", "boot-image-mismatch", "boot-image-installed-rebooting",
	"boot-image-complete", "pre-script-initiated", "pre-script-warning",
	"pre-script-error", "pre-script-complete", "config-initiated", "config-warning",
	"config-error", "config-complete", "post-script-initiated", "post-script-warning",
	"post-script-error", "post-script-complete", "bootstrap-warning", "bootstrap-error",
	"bootstrap-complete", "informational",
};

const char *progress_name(enum progress_type t)
{
	if ((int)t < 0 || t >= PROGRESS_N)
		return NULL;
	return names[t];
}

int progress_from_name(const char *name)
{
	for (int i = 0; name && i < PROGRESS_N; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

int progress_minimal(enum progress_type t)
{
	switch (t) {
	case PROGRESS_BOOTSTRAP_INITIATED:
	case PROGRESS_PARSING_ERROR:
	case PROGRESS_BOOT_IMAGE_ERROR:
	case PROGRESS_BOOT_IMAGE_MISMATCH:
	case PROGRESS_BOOT_IMAGE_INSTALLED_REBOOTING:
	case PROGRESS_PRE_SCRIPT_ERROR:
	case PROGRESS_CONFIG_ERROR:
	case PROGRESS_POST_SCRIPT_ERROR:
	case PROGRESS_BOOTSTRAP_ERROR:
	case PROGRESS_BOOTSTRAP_COMPLETE:
		return 1;
	default:
		return 0;
	}
}

int progress_wanted(enum progress_type t, int verbose)
{
	if ((int)t < 0 || t >= PROGRESS_N)
		return 0;
	return verbose ? 1 : progress_minimal(t);
}

int progress_must_ack(enum progress_type t)
{
	return t == PROGRESS_BOOTSTRAP_INITIATED || t == PROGRESS_BOOTSTRAP_COMPLETE;
}
