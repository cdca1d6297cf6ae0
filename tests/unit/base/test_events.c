/* test_events.c: the JSON Lines events (base/events.h). */
#include "unit.h"

#include "base/events.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static char line[EVENTS_LINE_MAX + 1];

TEST(events_format_fields_in_order)
{
	struct event ev = { 0 };
	ev.phase = EV_BOOTSTRAP;
	ev.outcome = EV_FAIL;
	ev.step = "get-bootstrapping-data";
	ev.source = "dhcp4";
	ev.server = "https://192.0.2.1:8443";
	ev.round = 2;
	ev.reason = "HTTP 503 (expected 200)";
	events_set_serial("SN-1");
	int n = events_format(&ev, 7, "2025-03-01T10:00:03.141Z", 3.1415, line, sizeof line);
	CHECK_EQ_STR(line, "{\"v\":1,\"seq\":7,\"time\":\"2025-03-01T10:00:03.141Z\","
		     "\"uptime\":3.142,\"serial\":\"SN-1\",\"phase\":\"bootstrap\","
		     "\"outcome\":\"fail\",\"step\":\"get-bootstrapping-data\",\"source\":\"dhcp4\","
		     "\"server\":\"https://192.0.2.1:8443\",\"round\":2,"
		     "\"reason\":\"HTTP 503 (expected 200)\"}\n");
	CHECK_EQ_INT(n, (int)strlen(line));
	events_set_serial(NULL);
}

TEST(events_format_escapes_hostile_bytes)
{
	struct event ev = { 0 };
	ev.phase = EV_BOOTSTRAP;
	ev.outcome = EV_FAIL;
	ev.reason = "a\"b\\c\n\x01\xc3\xa9";
	events_format(&ev, 1, "t", 0, line, sizeof line);
	CHECK(strstr(line, "\"reason\":\"a\\\"b\\\\c\\u000a\\u0001\\u00c3\\u00a9\"}") != NULL);
	for (const char *p = line; *p != '\n'; p++)
		CHECK(*p >= 0x20 && *p <= 0x7e);
}

TEST(events_format_result_numbers)
{
	struct event ev = { 0 };
	ev.phase = EV_RESULT;
	ev.outcome = EV_OK;
	ev.os = "Demo 1";
	ev.disk = "/dev/vda";
	ev.bytes = 1234567;
	ev.duration = 12.34;
	events_format(&ev, 3, "t", 1, line, sizeof line);
	CHECK(strstr(line, "\"os\":\"Demo 1\",\"disk\":\"/dev/vda\",\"bytes\":1234567,"
		      "\"duration\":12.3}\n") != NULL);
	CHECK(strstr(line, "serial") == NULL); /* none set */
}

TEST(events_format_cuts_long_values_and_stays_json)
{
	static char big[4000];
	struct event ev = { 0 };
	memset(big, '\x7f', sizeof big - 1); /* each byte escapes to 6 */
	ev.phase = EV_BOOTSTRAP;
	ev.outcome = EV_FAIL;
	ev.server = big;
	ev.reason = big;
	ev.action = big;
	int n = events_format(&ev, 1, "t", 0, line, sizeof line);
	CHECK(n <= EVENTS_LINE_MAX);
	CHECK_EQ_INT(line[n - 1], '\n');
	CHECK_EQ_INT(line[n - 2], '}');
	CHECK(strstr(line, "...\"") != NULL);
	/* an odd number of unescaped quotes would be broken JSON */
	int q = 0;
	for (int i = 0; i < n; i++)
		if (line[i] == '"' && line[i - 1] != '\\')
			q++;
	CHECK_EQ_INT(q % 2, 0);
	/* a small line buffer: still a closed object */
	char small[100];
	n = events_format(&ev, 1, "t", 0, small, sizeof small);
	CHECK(n < (int)sizeof small);
	CHECK_EQ_INT(small[n - 2], '}');
}

TEST(events_emit_appends_lines)
{
	char path[] = "/tmp/sztp-events-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ_INT(events_open(path), 0);
	events_note(EV_NETWORK, EV_START, NULL, NULL);
	events_note(EV_NETWORK, EV_OK, "lease", "192.0.2.100/24 on eth0");
	events_close();
	events_note(EV_NETWORK, EV_FAIL, NULL, "not written: closed");
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	int lines = 0;
	while (fgets(line, sizeof line, f)) {
		lines++;
		CHECK(strncmp(line, "{\"v\":1,\"seq\":", 13) == 0);
		CHECK(strstr(line, "\"phase\":\"network\"") != NULL);
	}
	fclose(f);
	unlink(path);
	CHECK_EQ_INT(lines, 2);
}
