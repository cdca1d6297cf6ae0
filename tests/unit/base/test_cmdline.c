/* test_cmdline.c: kernel command-line parsing. */
#include "base/config.h"
#include "unit.h"

TEST(cmdline_defaults)
{
	struct sztp_config c;
	config_defaults(&c);
	CHECK_EQ_INT(c.n_urls, 0);
	CHECK_EQ_INT(c.emergency, EMERGENCY_REBOOT);
	CHECK_EQ_INT(c.pcr, 14);
	CHECK_EQ_STR(c.done, "pivot");
	CHECK_EQ_STR(c.pivot, "auto");
}

TEST(cmdline_pivot_way)
{
	struct sztp_config c;
	config_defaults(&c);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.pivot=kexec"), 0);
	CHECK_EQ_STR(c.pivot, "kexec");
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.pivot=reboot sztp.pivot=switch_root"), 0);
	CHECK_EQ_STR(c.pivot, "switch_root"); /* the last word wins */
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.pivot=teleport"), 1);
	CHECK_EQ_STR(c.pivot, "switch_root");
}

TEST(cmdline_sztp_keys)
{
	struct sztp_config c;
	config_defaults(&c);
	CHECK_EQ_INT(config_parse_cmdline(&c,
		"console=ttyS0 sztp.url=https://a.example sztp.url=https://b.example:8443 "
		"sztp.serial=\"SN 1\" sztp.timeout=600 sztp.pcr=15 sztp.debug\n"), 0);
	CHECK_EQ_INT(c.n_urls, 2);
	CHECK_EQ_STR(c.urls[0], "https://a.example");
	CHECK_EQ_STR(c.urls[1], "https://b.example:8443");
	CHECK_EQ_STR(c.serial, "SN 1");
	CHECK_EQ_INT(c.timeout_s, 600);
	CHECK_EQ_INT(c.pcr, 15);
	CHECK_EQ_INT(c.debug, 1);
}

TEST(cmdline_dracut_words)
{
	struct sztp_config c;
	config_defaults(&c);
	CHECK_EQ_INT(config_parse_cmdline(&c,
		"ip=192.0.2.5::192.0.2.1:255.255.255.0:host:eth0:none:192.0.2.53 "
		"ip=dhcp6 nameserver=192.0.2.53 vlan=eth0.7:eth0 ifname=eth0:52:54:00:12:34:56 "
		"BOOTIF=01-52-54-00-12-34-56 rd.shell rd.emergency=poweroff rd.break=pre-network panic=0"), 0);
	CHECK_EQ_INT(c.n_ip, 2);
	CHECK_EQ_STR(c.ip[1], "dhcp6");
	CHECK_EQ_STR(c.nameservers[0], "192.0.2.53");
	CHECK_EQ_STR(c.vlan[0], "eth0.7:eth0");
	CHECK_EQ_STR(c.ifnames[0], "eth0:52:54:00:12:34:56");
	CHECK_EQ_STR(c.bootif, "01-52-54-00-12-34-56");
	CHECK_EQ_INT(c.rd_shell, 1);
	CHECK_EQ_INT(c.emergency, EMERGENCY_POWEROFF);
	CHECK_EQ_STR(c.rd_break, "pre-network");
	CHECK_EQ_INT(c.panic_s, 0);
}

/* sztp.emergency= is rd.emergency= by another name: the last one given wins */
TEST(cmdline_sztp_emergency_alias)
{
	struct sztp_config c;
	config_defaults(&c);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.emergency=shell"), 0);
	CHECK_EQ_INT(c.emergency, EMERGENCY_SHELL);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.emergency=halt rd.emergency=poweroff"), 0);
	CHECK_EQ_INT(c.emergency, EMERGENCY_POWEROFF);
	CHECK_EQ_INT(config_parse_cmdline(&c, "rd.emergency=poweroff sztp.emergency=halt"), 0);
	CHECK_EQ_INT(c.emergency, EMERGENCY_HALT);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.emergency=dance"), 1);
	CHECK_EQ_INT(c.emergency, EMERGENCY_HALT);
}

TEST(cmdline_rejects_bad_values)
{
	struct sztp_config c;
	char longword[400];
	config_defaults(&c);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.timeout=abc sztp.pcr=24 rd.emergency=dance"), 3);
	CHECK_EQ_INT(c.timeout_s, 0);
	CHECK_EQ_INT(c.pcr, 14);
	CHECK_EQ_INT(c.emergency, EMERGENCY_REBOOT);
	memset(longword, 'a', sizeof longword);
	memcpy(longword, "sztp.serial=", 12);
	longword[sizeof longword - 1] = '\0';
	CHECK_EQ_INT(config_parse_cmdline(&c, longword), 1);
	CHECK_EQ_STR(c.serial, "");
}

TEST(cmdline_too_many_urls)
{
	struct sztp_config c;
	char line[2048] = "";
	config_defaults(&c);
	for (int i = 0; i < CFG_MAX_URLS + 2; i++)
		strcat(line, "sztp.url=https://x.example ");
	CHECK_EQ_INT(config_parse_cmdline(&c, line), 2);
	CHECK_EQ_INT(c.n_urls, CFG_MAX_URLS);
}

TEST(cmdline_rd_shell_off)
{
	struct sztp_config c;
	config_defaults(&c);
	config_parse_cmdline(&c, "rd.shell=0 rd.break");
	CHECK_EQ_INT(c.rd_shell, 0);
	CHECK_EQ_STR(c.rd_break, "pre-pivot");
}

/* RFC 8572 section 5.1: the enable flag, on by default. */
TEST(cmdline_sztp_enable_flag)
{
	struct sztp_config c;
	config_defaults(&c);
	CHECK_EQ_INT(c.enabled, 1);
	CHECK_EQ_INT(config_parse_cmdline(&c, "quiet sztp=0"), 0);
	CHECK_EQ_INT(c.enabled, 0);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp=1"), 0);
	CHECK_EQ_INT(c.enabled, 1);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp=off"), 0);
	CHECK_EQ_INT(c.enabled, 0);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp"), 0);
	CHECK_EQ_INT(c.enabled, 1);
	/* a typo never disables it */
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp=O"), 1);
	CHECK_EQ_INT(c.enabled, 1);
	/* sztp.* keys are not the flag */
	config_defaults(&c);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.debug=0"), 0);
	CHECK_EQ_INT(c.enabled, 1);
}

TEST(cmdline_clock_and_voucher)
{
	struct sztp_config c;
	config_defaults(&c);
	CHECK_EQ_INT(c.clock, SZTP_CLOCK_AUTO);
	CHECK_EQ_INT(c.nonce_required, 0);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.clock=floor sztp.voucher=nonce-required"), 0);
	CHECK_EQ_INT(c.clock, SZTP_CLOCK_FLOOR);
	CHECK_EQ_INT(c.nonce_required, 1);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.clock=rtc sztp.voucher=any"), 0);
	CHECK_EQ_INT(c.clock, SZTP_CLOCK_RTC);
	CHECK_EQ_INT(c.nonce_required, 0);
	/* malformed: logged, counted, the value kept */
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.clock=ntp sztp.voucher=nonce"), 2);
	CHECK_EQ_INT(c.clock, SZTP_CLOCK_RTC);
	CHECK_EQ_INT(c.nonce_required, 0);
}

TEST(cmdline_key_table)
{
	struct sztp_config c;
	size_t n = 0;
	int have_url = 0, have_break = 0;
	for (const char *k; (k = config_cmdline_key(n)); n++) {
		have_url |= strcmp(k, "sztp.url") == 0;
		have_break |= strcmp(k, "rd.break") == 0;
	}
	CHECK(n >= 20);
	CHECK(have_url && have_break);
	CHECK(config_cmdline_key(n) == NULL);
	/* a key that needs a value, given bare: ignored, nothing set */
	config_defaults(&c);
	CHECK_EQ_INT(config_parse_cmdline(&c, "sztp.url sztp.timeout panic"), 0);
	CHECK_EQ_INT(c.n_urls, 0);
	CHECK_EQ_INT(c.timeout_s, 0);
	CHECK_EQ_INT(c.panic_s, 10);
	/* quiet only as a bare word */
	CHECK_EQ_INT(config_parse_cmdline(&c, "quiet=0"), 0);
	CHECK_EQ_INT(c.quiet, 0);
	CHECK_EQ_INT(config_parse_cmdline(&c, "quiet"), 0);
	CHECK_EQ_INT(c.quiet, 1);
}
