/*
 * fuzz_heartbeat.c - Slurm's heartbeat file: fsched_heartbeat_parse() on
 * the input, and fsched_heartbeat_read() on a file holding it.
 *
 * Input: [0] picks max_index (1..16) and max_time; the rest is the file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsched_heartbeat.h"
#include "fsched_state.h"
#include "fuzz_common.h"

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const time_t max_times[] = {
		1700000000, 4102444800, INT32_MAX, INT64_MAX / 2,
	};
	const char *path = fuzz_path(0, FSCHED_HEARTBEAT_FILE);
	fsched_heartbeat_t hb;
	fsched_err_t err;
	const uint8_t *buf;
	size_t len;
	time_t max_time;
	int max_index, rc;
	bool valid;

	if (size < 1)
		return 0;
	max_index = 1 + data[0] % 16;
	max_time = max_times[(data[0] >> 4) % 4];
	buf = data + 1;
	len = size - 1;

	valid = len == FSCHED_HEARTBEAT_SIZE && be64(buf) != 0 &&
		be64(buf) <= (uint64_t)max_time &&
		be64(buf + 8) < (uint64_t)max_index;
	memset(&hb, 0, sizeof(hb));
	fuzz_err_poison(&err);
	rc = fsched_heartbeat_parse(buf, len, "heartbeat", max_time, max_index,
				    &hb, &err);
	fuzz_check_err(rc, &err, "fsched_heartbeat_parse");
	FUZZ_CHECK((rc == 0) == valid, "heartbeat accepted: %d, valid: %d",
		   rc == 0, valid);
	if (rc == 0)
		FUZZ_CHECK((uint64_t)hb.time == be64(buf) &&
			   hb.index >= 0 && hb.index < max_index &&
			   (uint64_t)hb.index == be64(buf + 8), "decoded values");

	/* The file reader (max time: now + 1 day). */
	fuzz_write(path, buf, len);
	fuzz_err_poison(&err);
	rc = fsched_heartbeat_read(fuzz_dir(), max_index, &hb, &err);
	fuzz_check_err(rc, &err, "fsched_heartbeat_read");
	if (rc == 0)
		FUZZ_CHECK(hb.index >= 0 && hb.index < max_index &&
			   hb.time > 0, "read values");
	fuzz_unlink(path);
	return 0;
}
