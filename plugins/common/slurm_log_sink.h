/*
 * slurm_log_sink.h - route libfsched's log shim (fsched_log.h) to Slurm's
 * error()/info()/debug(), prefixed with the plugin type, as Slurm's own
 * plugins log.  Include after src/common/slurm_xlator.h and
 * src/common/log.h.
 */
#ifndef FSCHED_SLURM_LOG_SINK_H
#define FSCHED_SLURM_LOG_SINK_H

#include "fsched_log.h"

static inline void fsched_slurm_log(const char *ptype,
				    enum fsched_log_level level,
				    const char *msg)
{
	switch (level) {
	case FSCHED_LOG_ERROR:
		error("%s: %s", ptype, msg);
		break;
	case FSCHED_LOG_WARNING:
	case FSCHED_LOG_INFO:
		info("%s: %s", ptype, msg);
		break;
	case FSCHED_LOG_DEBUG:
		debug("%s: %s", ptype, msg);
		break;
	}
}

#endif /* FSCHED_SLURM_LOG_SINK_H */
