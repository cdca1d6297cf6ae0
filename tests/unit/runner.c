/* runner.c: runs every registered TEST; the last line is "N passed, N failed". */
#include "unit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>

static struct unit_test *head;
static jmp_buf on_fail;

void unit_register(struct unit_test *t)
{
	/* keep registration order stable: append */
	struct unit_test **p = &head;
	while (*p)
		p = &(*p)->next;
	t->next = NULL;
	*p = t;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	longjmp(on_fail, 1);
}

/* Run one test; 1 when it passed. Kept out of main() so that no local of
 * the loop lives across the longjmp. */
static int run_one(const struct unit_test *t)
{
	if (setjmp(on_fail) == 0) {
		t->fn();
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	for (struct unit_test *t = head; t; t = t->next) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		if (run_one(t)) {
			printf("ok   %s\n", t->name);
			passed++;
		} else {
			printf("FAIL %s\n", t->name);
			failed++;
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
