/*
 * test_layout.c - Slurm's internal struct layouts, as the plugins see them
 * through fsched's config.h, equal those of Slurm's own configured build.
 *
 * The plugins are built with Slurm's internal headers but not with Slurm's
 * configure; if a config.h macro that changes a struct were missing, a
 * plugin would read the wrong bytes of a job record inside slurmctld.  The
 * golden values come from contrib/dev/gen-layout-golden.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "src/slurmctld/slurmctld.h"
#include "src/common/slurm_jobcomp.h"

#include "layout_probe.h"


#if __has_include(LAYOUT_GOLDEN_HEADER)
#include LAYOUT_GOLDEN_HEADER
#else
#error "no golden layout for this Slurm release: run contrib/dev/gen-layout-golden SLURM_SOURCE > test/unit/layout_<version>.h"
#endif

struct layout_actual {
	const char *what;
	size_t value;
};

#define LAYOUT_STRUCT(t) { "sizeof(" #t ")", sizeof(t) },
#define LAYOUT_MEMBER(t, m) { "offsetof(" #t ", " #m ")", offsetof(t, m) },
static const struct layout_actual actual[] = {
	LAYOUT_LIST
};
#undef LAYOUT_STRUCT
#undef LAYOUT_MEMBER

#define NACTUAL (sizeof(actual) / sizeof(actual[0]))
#define NGOLDEN (sizeof(layout_golden) / sizeof(layout_golden[0]))

START_TEST(test_version)
{
	ck_assert_str_eq(LAYOUT_GOLDEN_VERSION, FSCHED_SLURM_VERSION);
}
END_TEST

START_TEST(test_same_probes)
{
	ck_assert_uint_eq(NACTUAL, NGOLDEN);
}
END_TEST

START_TEST(test_member)
{
	ck_assert_str_eq(actual[_i].what, layout_golden[_i].what);
	ck_assert_msg(actual[_i].value == layout_golden[_i].value,
		      "%s is %zu with fsched's config.h but %zu in Slurm's build",
		      actual[_i].what, actual[_i].value,
		      layout_golden[_i].value);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("slurm");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_same_probes);
	tcase_add_loop_test(tc, test_member, 0,
			    NACTUAL < NGOLDEN ? NACTUAL : NGOLDEN);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
