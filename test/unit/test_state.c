/*
 * test_state.c - heartbeat parsing, active.json and its epoch rule, and
 * events.jsonl (append, rotation, tail with corrupt lines).
 */
#include "config.h"

#include <stdint.h>

#include "fsched_active.h"
#include "fsched_events.h"
#include "fsched_heartbeat.h"
#include "fsched_state.h"
#include "fsched_test.h"

static char *dir;

static void setup(void)
{
	dir = test_mkdtemp();
}

static void teardown(void)
{
	test_rmdir(dir);
}

static void be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static const struct {
	uint64_t time, index;
	size_t len;
	const char *msg;	/* NULL: valid */
} hb_cases[] = {
	{ 1700000000, 0, 16, NULL },
	{ 1700000000, 1, 16, NULL },
	{ 1700000000, 1, 15, "hb: 15 bytes, expected 16" },
	{ 1700000000, 1, 0, "hb: 0 bytes, expected 16" },
	{ 1700000000, 1, 17, "hb: 17 bytes, expected 16" },
	{ 0, 0, 16, "hb: implausible time 0" },
	{ 4000000000u, 0, 16, "hb: implausible time 4000000000" },
	{ 1700000000, 2, 16, "hb: controller index 2, but only 2 SlurmctldHost configured" },
	{ 1700000000, UINT64_MAX, 16,
	  "hb: controller index 18446744073709551615, but only 2 SlurmctldHost configured" },
};

START_TEST(test_heartbeat_parse)
{
	unsigned char buf[32] = { 0 };
	fsched_heartbeat_t hb;
	fsched_err_t err;
	int rc;

	be64(buf, hb_cases[_i].time);
	be64(buf + 8, hb_cases[_i].index);
	rc = fsched_heartbeat_parse(buf, hb_cases[_i].len, "hb", 2000000000,
				    2, &hb, &err);
	if (!hb_cases[_i].msg) {
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(hb.time, (time_t)hb_cases[_i].time);
		ck_assert_int_eq(hb.index, (int)hb_cases[_i].index);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err.msg, hb_cases[_i].msg);
	}
}
END_TEST

START_TEST(test_heartbeat_read)
{
	unsigned char buf[16];
	fsched_heartbeat_t hb;
	fsched_err_t err;
	char *path;
	FILE *f;
	time_t now = time(NULL);

	/* Missing: ENOENT after the retries. */
	ck_assert_int_eq(fsched_heartbeat_read(dir, 2, &hb, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);

	be64(buf, (uint64_t)now);
	be64(buf + 8, 1);
	ck_assert_int_ne(asprintf(&path, "%s/heartbeat", dir), -1);
	f = fopen(path, "w");
	ck_assert_int_eq(fwrite(buf, 1, 16, f), 16);
	fclose(f);
	ck_assert_int_eq(fsched_heartbeat_read(dir, 2, &hb, &err), 0);
	ck_assert_int_eq(hb.time, now);
	ck_assert_int_eq(hb.index, 1);

	/* Garbage (text) is an error, not a crash. */
	free(test_write(dir, "heartbeat", "not a heartbeat at all\n"));
	ck_assert_int_eq(fsched_heartbeat_read(dir, 2, &hb, &err), -1);
	ck_assert_int_eq(err.errnum, EINVAL);
	free(path);
}
END_TEST

START_TEST(test_epoch_rule)
{
	fsched_active_t a, b, c, d;

	/* First ever primary-on. */
	ck_assert_int_eq(fsched_active_next(NULL, "ctl1", 0, 100, &a),
			 FSCHED_PRIMARY_FIRST);
	ck_assert_int_eq(a.epoch, 1);
	ck_assert_int_eq(a.since, 100);
	ck_assert_int_eq(a.starts, 1);
	ck_assert_str_eq(a.prev_host, "");
	/* The same controller restarts: no change of epoch or since. */
	ck_assert_int_eq(fsched_active_next(&a, "ctl1", 0, 200, &b),
			 FSCHED_PRIMARY_RESTART);
	ck_assert_int_eq(b.epoch, 1);
	ck_assert_int_eq(b.since, 100);
	ck_assert_int_eq(b.last_start, 200);
	ck_assert_int_eq(b.starts, 2);
	/* Another host takes over. */
	ck_assert_int_eq(fsched_active_next(&b, "ctl2", 1, 300, &c),
			 FSCHED_PRIMARY_TAKEOVER);
	ck_assert_int_eq(c.epoch, 2);
	ck_assert_int_eq(c.since, 300);
	ck_assert_int_eq(c.starts, 1);
	ck_assert_str_eq(c.prev_host, "ctl1");
	ck_assert_int_eq(c.prev_index, 0);
	ck_assert_int_eq(c.prev_since, 100);
	/* Failback counts as a change too. */
	ck_assert_int_eq(fsched_active_next(&c, "ctl1", 0, 400, &d),
			 FSCHED_PRIMARY_TAKEOVER);
	ck_assert_int_eq(d.epoch, 3);
	ck_assert_str_eq(d.prev_host, "ctl2");
	ck_assert_str_eq(fsched_primary_kind_str(FSCHED_PRIMARY_RESTART),
			 "restart");
}
END_TEST

START_TEST(test_active_roundtrip)
{
	fsched_active_t a, b, back;
	fsched_err_t err;

	fsched_active_next(NULL, "ctl1", 0, 100, &a);
	fsched_active_next(&a, "ctl2", 1, 300, &b);
	ck_assert_int_eq(fsched_active_read(dir, &back, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_int_eq(fsched_active_write(dir, &b, &err), 0);
	ck_assert_int_eq(fsched_active_read(dir, &back, &err), 0);
	ck_assert_str_eq(back.host, "ctl2");
	ck_assert_int_eq(back.index, 1);
	ck_assert_int_eq(back.epoch, 2);
	ck_assert_int_eq(back.since, 300);
	ck_assert_int_eq(back.starts, 1);
	ck_assert_str_eq(back.prev_host, "ctl1");
	ck_assert_int_eq(back.prev_index, 0);
	ck_assert_int_eq(back.prev_since, 100);
}
END_TEST

static const struct {
	const char *text;
	const char *msg;	/* after "<dir>/active.json" */
} active_bad[] = {
	{ "", " is empty" },
	{ "{\"version\":1,\"host\":\"ctl1\",\"ind", " is truncated (incomplete JSON)" },
	{ "{}", ": missing field \"version\"" },
	{ "{\"version\":2}", ": format version 2 is newer than this fsched understands (1)" },
	{ "{\"version\":1,\"index\":0,\"epoch\":1,\"since\":1}", ": missing field \"host\"" },
	{ "{\"version\":1,\"host\":\"\",\"index\":0,\"epoch\":1,\"since\":1}",
	  ": field \"host\" is not a host name" },
	{ "{\"version\":1,\"host\":\"a/b\",\"index\":0,\"epoch\":1,\"since\":1}",
	  ": field \"host\" is not a host name" },
	{ "{\"version\":1,\"host\":\"a\",\"index\":99,\"epoch\":1,\"since\":1}",
	  ": field \"index\" out of range [0, 15]" },
	{ "{\"version\":1,\"host\":\"a\",\"index\":0,\"epoch\":0,\"since\":1}",
	  ": field \"epoch\" out of range [1, 4611686018427387903]" },
	{ "{\"version\":1,\"host\":\"a\",\"index\":0,\"epoch\":1,\"since\":\"x\"}",
	  ": field \"since\" must be int" },
	{ "{\"version\":1,\"host\":\"a\",\"index\":0,\"epoch\":1,\"since\":1,\"previous\":3}",
	  ": field \"previous\" must be object" },
	{ "{\"version\":1,\"host\":\"a\",\"index\":0,\"epoch\":1,\"since\":1,\"previous\":{}}",
	  ": previous: missing field \"host\"" },
};

START_TEST(test_active_bad)
{
	fsched_active_t a;
	fsched_err_t err;
	char *want;

	free(test_write(dir, "active.json", active_bad[_i].text));
	ck_assert_int_eq(fsched_active_read(dir, &a, &err), -1);
	ck_assert_int_ne(asprintf(&want, "%s/active.json%s", dir,
				  active_bad[_i].msg), -1);
	ck_assert_str_eq(err.msg, want);
	free(want);
}
END_TEST

START_TEST(test_events)
{
	struct json_object *arr, *d = json_object_new_object(), *e, *v;
	fsched_err_t err;
	size_t corrupt;
	char *path;
	FILE *f;

	ck_assert_int_eq(fsched_events_tail(dir, 5, &arr, &corrupt, &err), 0);
	ck_assert_uint_eq(json_object_array_length(arr), 0);
	json_object_put(arr);

	json_object_object_add(d, "kind", json_object_new_string("takeover"));
	ck_assert_int_eq(fsched_event_append(dir, 1 << 20, 1700000000, "ctl2",
					     "primary-on", d, &err), 0);
	json_object_put(d);
	ck_assert_int_ne(asprintf(&path, "%s/events.jsonl", dir), -1);
	ck_assert_str_eq(test_read(path),
		"{\"version\":1,\"time\":1700000000,\"time_iso\":\"2023-11-14T22:13:20Z\","
		"\"host\":\"ctl2\",\"event\":\"primary-on\",\"detail\":{\"kind\":\"takeover\"}}\n");

	/*
	 * A torn line, garbage and events with a host or detail of the
	 * wrong type (or none) are skipped and counted.
	 */
	f = fopen(path, "a");
	fputs("garbage\n{\"version\":1,\"event\":\"x\",\"host\":\"h\"}\n"
	      "{\"version\":1,\"event\":\"y\",\"host\":null}\n"
	      "{\"version\":1,\"event\":\"y\",\"host\":7}\n"
	      "{\"version\":1,\"event\":\"y\"}\n"
	      "{\"version\":1,\"event\":\"y\",\"host\":\"h\",\"detail\":[]}\n"
	      "{\"version\":1,\"ti", f);
	fclose(f);
	ck_assert_int_eq(fsched_events_tail(dir, 5, &arr, &corrupt, &err), 0);
	ck_assert_uint_eq(json_object_array_length(arr), 2);
	ck_assert_uint_eq(corrupt, 6);
	e = json_object_array_get_idx(arr, 0);
	ck_assert(json_object_object_get_ex(e, "host", &v));
	ck_assert_str_eq(json_object_get_string(v), "ctl2");
	json_object_put(arr);

	/*
	 * The next append after the torn line starts a line of its own:
	 * the torn bytes stay one corrupt line, the new event is whole.
	 */
	ck_assert_int_eq(fsched_event_append(dir, 1 << 20, 1700000001, "ctl1",
					     "primary-off", NULL, &err), 0);
	ck_assert_int_eq(fsched_events_tail(dir, 5, &arr, &corrupt, &err), 0);
	ck_assert_uint_eq(json_object_array_length(arr), 3);
	ck_assert_uint_eq(corrupt, 6);
	e = json_object_array_get_idx(arr, 2);
	ck_assert(json_object_object_get_ex(e, "event", &v));
	ck_assert_str_eq(json_object_get_string(v), "primary-off");
	ck_assert_ptr_nonnull(strstr(test_read(path),
		"\n{\"version\":1,\"ti\n{\"version\":1,\"time\":1700000001,"));
	json_object_put(arr);
	free(path);
}
END_TEST

START_TEST(test_events_rotation)
{
	struct json_object *arr, *v;
	fsched_err_t err;
	struct stat st;
	char *path, *old;

	ck_assert_int_ne(asprintf(&path, "%s/events.jsonl", dir), -1);
	ck_assert_int_ne(asprintf(&old, "%s/events.jsonl.1", dir), -1);
	for (int i = 0; i < 100; i++) {
		char ev[32];

		snprintf(ev, sizeof(ev), "e%d", i);
		ck_assert_int_eq(fsched_event_append(dir, 4096, 1700000000 + i,
						     "h", ev, NULL, &err), 0);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_le(st.st_size, 4096);
	}
	ck_assert_int_eq(stat(old, &st), 0);
	ck_assert_int_le(st.st_size, 4096);
	/* The tail spans both generations, oldest first. */
	ck_assert_int_eq(fsched_events_tail(dir, 3, &arr, NULL, &err), 0);
	ck_assert_uint_eq(json_object_array_length(arr), 3);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(arr, 2),
					    "event", &v));
	ck_assert_str_eq(json_object_get_string(v), "e99");
	json_object_put(arr);
	free(path);
	free(old);
}
END_TEST

START_TEST(test_state_dir)
{
	fsched_conf_t c;
	char *d;

	fsched_conf_init(&c);
	d = fsched_state_dir(&c, "/shared/state");
	ck_assert_str_eq(d, "/shared/state/fsched");
	free(d);
	c.state_dir = strdup("/elsewhere");
	d = fsched_state_dir(&c, "/shared/state");
	ck_assert_str_eq(d, "/elsewhere");
	free(d);
	fsched_conf_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_heartbeat_parse, 0,
			    sizeof(hb_cases) / sizeof(hb_cases[0]));
	tcase_add_test(tc, test_heartbeat_read);
	tcase_add_test(tc, test_epoch_rule);
	tcase_add_test(tc, test_active_roundtrip);
	tcase_add_loop_test(tc, test_active_bad, 0,
			    sizeof(active_bad) / sizeof(active_bad[0]));
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_events_rotation);
	tcase_add_test(tc, test_state_dir);
	suite_add_tcase(s, tc);
	return test_run(s);
}
