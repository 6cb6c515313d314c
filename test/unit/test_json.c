/*
 * test_json.c - fsched_json: strict parsing, typed getters, file I/O.
 */
#include "config.h"

#include <stdint.h>

#include "fsched_active.h"
#include "fsched_counters.h"
#include "fsched_json.h"
#include "fsched_test.h"

static const struct {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int errnum;		/* 0: must parse */
	const char *msg;	/* expected err.msg */
} parse_cases[] = {
	{ "{}", 0, 0, NULL },
	{ "{\"a\":1}\n", 0, 0, NULL },
	{ "  {\"a\":[1,2]}  \r\n", 0, 0, NULL },
	{ "", 0, ENODATA, "in is empty" },
	{ "{", 0, EINVAL, "in is truncated (incomplete JSON)" },
	{ "{\"a\":", 0, EINVAL, "in is truncated (incomplete JSON)" },
	{ "   ", 0, EINVAL, "in is truncated (incomplete JSON)" },
	{ "[1]", 0, EINVAL, "in is not a JSON object" },
	{ "42", 0, EINVAL, "in is not a JSON object" },
	{ "{} {}", 0, EINVAL, "in has trailing data at byte 3" },
	{ "{}x", 0, EINVAL, "in has trailing data at byte 2" },
	{ "{\"a\" 1}", 0, EINVAL,
	  "in is not valid JSON (object property name separator ':' expected at byte 5)" },
	{ "{\"a\":1}\0garbage", 15, EINVAL, "in contains a NUL byte" },
	{ "\x01\x02", 0, EINVAL,
	  "in is not valid JSON (unexpected character at byte 0)" },
};

START_TEST(test_parse)
{
	struct json_object *obj = (void *)1;
	fsched_err_t err;
	size_t len = parse_cases[_i].len ? parse_cases[_i].len :
					     strlen(parse_cases[_i].in);
	int rc = fsched_json_parse(parse_cases[_i].in, len, "in", &obj,
				   &err);

	if (!parse_cases[_i].errnum) {
		ck_assert_int_eq(rc, 0);
		ck_assert_ptr_nonnull(obj);
		json_object_put(obj);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_null(obj);
		ck_assert_int_eq(err.errnum, parse_cases[_i].errnum);
		ck_assert_str_eq(err.msg, parse_cases[_i].msg);
	}
}
END_TEST

static struct json_object *parse(const char *s)
{
	struct json_object *obj;
	fsched_err_t err;

	ck_assert_int_eq(fsched_json_parse(s, strlen(s), "t", &obj, &err), 0);
	return obj;
}

START_TEST(test_getters)
{
	struct json_object *o = parse(
		"{\"version\":1,\"n\":5,\"big\":99999999999999999999,"
		"\"neg\":-3,\"s\":\"x\",\"b\":true,\"f\":1.5}");
	fsched_err_t err;
	int64_t v = -1;
	const char *s = NULL;
	bool b = false;

	ck_assert_int_eq(fsched_json_get_int64(o, "t", "n", 0, 10, &v, &err), 0);
	ck_assert_int_eq(v, 5);
	ck_assert_int_eq(fsched_json_get_int64(o, "t", "n", 6, 10, &v, &err), -1);
	ck_assert_str_eq(err.msg, "t: field \"n\" out of range [6, 10]");
	ck_assert_int_eq(fsched_json_get_int64(o, "t", "big", 0, INT64_MAX - 1,
					       &v, &err), -1);
	ck_assert_int_eq(err.errnum, ERANGE);
	ck_assert_int_eq(fsched_json_get_int64(o, "t", "neg", 0, 10, &v, &err), -1);
	ck_assert_int_eq(fsched_json_get_int64(o, "t", "f", 0, 10, &v, &err), -1);
	ck_assert_str_eq(err.msg, "t: field \"f\" must be int");
	ck_assert_int_eq(fsched_json_get_int64(o, "t", "s", 0, 10, &v, &err), -1);
	ck_assert_int_eq(fsched_json_get_int64(o, "t", "zz", 0, 10, &v, &err), -1);
	ck_assert_str_eq(err.msg, "t: missing field \"zz\"");
	v = 77;
	ck_assert_int_eq(fsched_json_get_int64_opt(o, "t", "zz", 0, 10, &v, &err), 0);
	ck_assert_int_eq(v, 77);
	ck_assert_int_eq(fsched_json_get_string(o, "t", "s", &s, &err), 0);
	ck_assert_str_eq(s, "x");
	ck_assert_int_eq(fsched_json_get_string(o, "t", "n", &s, &err), -1);
	ck_assert_str_eq(err.msg, "t: field \"n\" must be string");
	ck_assert_int_eq(fsched_json_get_bool_opt(o, "t", "b", &b, &err), 0);
	ck_assert(b);
	ck_assert_int_eq(fsched_json_check_version(o, "t", 1, &err), 0);
	json_object_put(o);

	o = parse("{\"version\":3}");
	ck_assert_int_eq(fsched_json_check_version(o, "t", 2, &err), -1);
	ck_assert_int_eq(err.errnum, ENOTSUP);
	ck_assert_str_eq(err.msg, "t: format version 3 is newer than this fsched understands (2)");
	json_object_put(o);
	o = parse("{\"version\":\"1\"}");
	ck_assert_int_eq(fsched_json_check_version(o, "t", 2, &err), -1);
	json_object_put(o);
	o = parse("{}");
	ck_assert_int_eq(fsched_json_check_version(o, "t", 2, &err), -1);
	ck_assert_str_eq(err.msg, "t: missing field \"version\"");
	json_object_put(o);
}
END_TEST

START_TEST(test_file_roundtrip)
{
	char *dir = test_mkdtemp();
	struct json_object *o = json_object_new_object(), *back;
	fsched_err_t err;
	char *path;
	const char *s;

	fsched_json_add_int64(o, "version", 1);
	fsched_json_add_string(o, "host", "ctl1");
	fsched_json_add_string(o, "none", NULL);
	ck_assert_int_eq(fsched_json_write_file(dir, "x.json", o, 0644, &err), 0);
	json_object_put(o);
	ck_assert_int_ne(asprintf(&path, "%s/x.json", dir), -1);
	ck_assert_str_eq(test_read(path), "{\"version\":1,\"host\":\"ctl1\"}\n");
	ck_assert_int_eq(fsched_json_read_file(path, &back, &err), 0);
	ck_assert_int_eq(fsched_json_get_string(back, "x", "host", &s, &err), 0);
	ck_assert_str_eq(s, "ctl1");
	json_object_put(back);

	/* Truncated file: clear error naming the file. */
	free(test_write(dir, "x.json", "{\"version\":1,\"ho"));
	ck_assert_int_eq(fsched_json_read_file(path, &back, &err), -1);
	ck_assert_msg(strstr(err.msg, "x.json is truncated"), "%s", err.msg);
	free(path);

	ck_assert_int_ne(asprintf(&path, "%s/missing.json", dir), -1);
	ck_assert_int_eq(fsched_json_read_file(path, &back, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	free(path);
	test_rmdir(dir);
}
END_TEST

START_TEST(test_null_fields)
{
	struct json_object *o = parse("{\"host\":null,\"n\":null}");
	fsched_err_t err;
	const char *s = "kept";
	int64_t v = 7;

	/* Required: null is the wrong type, said so. */
	ck_assert_int_eq(fsched_json_get_string(o, "t", "host", &s, &err), -1);
	ck_assert_str_eq(err.msg, "t: field \"host\" must be string, not null");
	ck_assert_int_eq(fsched_json_get_int64(o, "t", "n", 0, 9, &v, &err), -1);
	ck_assert_str_eq(err.msg, "t: field \"n\" must be int, not null");
	/* Optional: null counts as absent. */
	ck_assert_int_eq(fsched_json_get_string_opt(o, "t", "host", &s, &err), 0);
	ck_assert_str_eq(s, "kept");
	ck_assert_int_eq(fsched_json_get_int64_opt(o, "t", "n", 0, 9, &v, &err), 0);
	ck_assert_int_eq(v, 7);
	json_object_put(o);
}
END_TEST

/* active.json with a host of the wrong type: an error naming the field. */
START_TEST(test_active_host_types)
{
	static const char *const text[] = {
		"{\"version\":1,\"host\":null,\"index\":0,\"epoch\":1,\"since\":1}",
		"{\"version\":1,\"host\":7,\"index\":0,\"epoch\":1,\"since\":1}",
		"{\"version\":1,\"host\":\"a\",\"index\":0,\"epoch\":2,\"since\":1,"
		"\"previous\":{\"host\":[],\"index\":1}}",
	};
	struct json_object *o = parse(text[_i]);
	fsched_active_t a;
	fsched_err_t err;

	ck_assert_int_eq(fsched_active_from_json(o, "f/active.json", &a, &err),
			 -1);
	ck_assert_msg(strstr(err.msg, "f/active.json") &&
		      strstr(err.msg, "field \"host\" must be string"),
		      "%s", err.msg);
	json_object_put(o);
}
END_TEST

static const struct {
	const char *in;
	size_t size;
	const char *out;
} quote_cases[] = {
	{ "plain", 64, "\"plain\"" },
	{ "a\nb\r\tc", 64, "\"a\\nb\\r\\tc\"" },
	{ "q\"\\", 64, "\"q\\\"\\\\\"" },
	{ "\x1b[31mred\x7f\xc3\xa9", 64, "\"\\x1b[31mred\\x7f\\xc3\\xa9\"" },
	{ "", 64, "\"\"" },
	{ NULL, 64, "null" },
	{ "abcdefghij", 10, "\"abcd...\"" },
	{ "abcdef", 9, "\"abcdef\"" },
	{ "abcdefg", 9, "\"abc...\"" },
	{ "\n\n\n\n", 11, "\"\\n\\n\\n\\n\"" },
	{ "\n\n\n\n", 10, "\"\\n\\n...\"" },
};

START_TEST(test_err_quote)
{
	char buf[64];
	const char *r;

	memset(buf, 'Z', sizeof(buf));
	r = fsched_err_quote(quote_cases[_i].in, buf, quote_cases[_i].size);
	ck_assert_ptr_eq(r, buf);
	ck_assert_str_eq(buf, quote_cases[_i].out);
	ck_assert_uint_lt(strlen(buf), quote_cases[_i].size);
}
END_TEST

/*
 * File-supplied strings never make a message of several lines: quoted
 * where they are put in, and any control character left becomes '?'.
 */
START_TEST(test_err_one_line)
{
	struct json_object *o = parse(
		"{\"version\":1,\"records\":1,\"by_state\":{\"line1\\nline2\":-1},"
		"\"by_partition\":{},\"positions\":{}}");
	fsched_counters_t c;
	fsched_err_t err;

	ck_assert_int_eq(fsched_counters_init(&c), 0);
	ck_assert_int_eq(fsched_counters_from_json(o, "counters.json", &c,
						   &err), -1);
	ck_assert_str_eq(err.msg, "counters.json: field \"by_state\".\"line1\\nline2\" must be a non-negative integer");
	json_object_put(o);

	o = parse("{\"version\":1,\"records\":1,\"by_state\":{},"
		  "\"by_partition\":{\"p\\r\\n\":{\"S\\u001b\":\"x\"}},"
		  "\"positions\":{}}");
	ck_assert_int_eq(fsched_counters_from_json(o, "counters.json", &c,
						   &err), -1);
	ck_assert_str_eq(err.msg, "counters.json: field \"by_partition\".\"p\\r\\n\".\"S\\x1b\" must be a non-negative integer");
	json_object_put(o);
	fsched_counters_free(&c);

	fsched_err_set(&err, EINVAL, "%s", "a\nb\rc\x1b");
	ck_assert_str_eq(err.msg, "a?b?c?");
	fsched_err_sys(&err, EIO, "x\ny");
	ck_assert_str_eq(err.msg, "x?y: Input/output error");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_loop_test(tc, test_parse, 0,
			    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_test(tc, test_getters);
	tcase_add_test(tc, test_file_roundtrip);
	tcase_add_test(tc, test_null_fields);
	tcase_add_loop_test(tc, test_active_host_types, 0, 3);
	tcase_add_loop_test(tc, test_err_quote, 0,
			    sizeof(quote_cases) / sizeof(quote_cases[0]));
	tcase_add_test(tc, test_err_one_line);
	suite_add_tcase(s, tc);
	return test_run(s);
}
