/* test_script.c: pre/post-configuration scripts: environment, exit statuses. */
#include "unit.h"
#include "install_fixtures.h"

#include "install/script.h"

static struct script_result R;

static enum script_outcome go(const char *dir, const char *body, struct err *e)
{
	struct script_env env;
	memset(&env, 0, sizeof env);
	env.stage = "pre";
	env.root = "/sysroot-test";
	env.disk = "/dev/vdz";
	env.serial = "SN-1";
	env.os_name = "Demo";
	env.os_version = "1.0";
	env.handling = "merge";
	env.image_installed = 1;
	env.dir = dir;
	env.timeout_s = 5;
	return script_run((const uint8_t *)body, strlen(body), &env, &R, e);
}

TEST(script_exit_status_convention)
{
	CHECK_EQ_INT(script_classify(0), SCRIPT_OK);
	CHECK_EQ_INT(script_classify(64), SCRIPT_WARNING);
	CHECK_EQ_INT(script_classify(95), SCRIPT_WARNING);
	CHECK_EQ_INT(script_classify(1), SCRIPT_ERROR);
	CHECK_EQ_INT(script_classify(63), SCRIPT_ERROR);
	CHECK_EQ_INT(script_classify(96), SCRIPT_ERROR);
	CHECK_EQ_INT(script_classify(127), SCRIPT_ERROR);
	CHECK_EQ_INT(script_classify(137), SCRIPT_ERROR);
	CHECK_EQ_INT(script_classify(-1), SCRIPT_ERROR);
}

TEST(script_runs_with_environment_and_output)
{
	const char *d = fx_tmpdir();
	struct err e;
	CHECK_EQ_INT(go(d, "echo root=$SZTP_ROOT stage=$SZTP_STAGE disk=$SZTP_DISK serial=$SZTP_SERIAL "
			"os=$SZTP_OS_NAME/$SZTP_OS_VERSION inst=$SZTP_IMAGE_INSTALLED "
			"h=$SZTP_CONFIG_HANDLING w=$SZTP_WARNING pwd=$(pwd)\n", &e), SCRIPT_OK);
	CHECK_EQ_INT(R.status, 0);
	char want[512];
	snprintf(want, sizeof want, "root=/sysroot-test stage=pre disk=/dev/vdz serial=SN-1 "
		 "os=Demo/1.0 inst=1 h=merge w=64 pwd=%s\n", d);
	CHECK_EQ_STR(R.tail, want);
	fx_sh("rm -rf %s", d);
}

TEST(script_warning_and_error)
{
	const char *d = fx_tmpdir();
	struct err e;
	CHECK_EQ_INT(go(d, "echo soft; exit $SZTP_WARNING", &e), SCRIPT_WARNING);
	CHECK_EQ_INT(R.status, 64);
	CHECK(strstr(e.msg, "status 64 (warning)") != NULL);
	CHECK_EQ_INT(go(d, "echo hard >&2; exit 1", &e), SCRIPT_ERROR);
	CHECK(strstr(e.msg, "status 1 (error)") != NULL);
	CHECK_EQ_STR(R.tail, "hard\n");
	CHECK_EQ_INT(go(d, "set -e; false; exit 0", &e), SCRIPT_ERROR);
	CHECK_EQ_INT(go(d, "kill -9 $$", &e), SCRIPT_ERROR);
	CHECK(strstr(e.msg, "signal 9") != NULL);
	CHECK_EQ_INT(go(d, "#!/nonexistent/interpreter\n", &e), SCRIPT_ERROR);
	CHECK(strstr(e.msg, "127") != NULL);
	CHECK_EQ_INT(go(d, "", &e), SCRIPT_ERROR);
	CHECK(strstr(e.msg, "empty") != NULL);
	CHECK_EQ_INT(go(d, "#!/bin/sh\necho shebang\n", &e), SCRIPT_OK);
	CHECK_EQ_STR(R.tail, "shebang\n");
	fx_sh("rm -rf %s", d);
}

TEST(script_timeout_kills)
{
	const char *d = fx_tmpdir();
	struct err e;
	struct script_env env;
	memset(&env, 0, sizeof env);
	env.stage = "post";
	env.dir = d;
	env.timeout_s = 1;
	const char *body = "sleep 30 & sleep 30\n";
	CHECK_EQ_INT(script_run((const uint8_t *)body, strlen(body), &env, &R, &e), SCRIPT_ERROR);
	CHECK_EQ_INT(R.status, -2);
	CHECK(strstr(e.msg, "post-configuration script timed out") != NULL);
	fx_sh("rm -rf %s", d);
}
