# X_AC_SLURM - the installed Slurm release and the matching source tree.
#
# Plugins only load into the exact Slurm major.minor.micro they were built
# for, and they need Slurm's internal headers, which are only in the source.
# So: read the installed version from <slurm/slurm_version.h> (libslurm-dev),
# take the source of that same release (--with-slurm-source=DIR, default
# .slurm-src/slurm-wlm-<version> as written by contrib/setup/fetch-slurm-source)
# and refuse any other.
#
# Sets: SLURM_VERSION_STRING, SLURM_SOURCE, SLURM_CPPFLAGS, SLURM_PLUGINDIR
# (install target), SLURM_SYSTEM_PLUGINDIR (the installed Slurm's),
# SLURM_DEFAULT_CONF; defines FSCHED_SLURM_VERSION, FSCHED_DEFAULT_SLURM_CONF
# and the FSCHED_HAVE_BUG_* macros for releases with known bugs that fsched
# works around.
AC_DEFUN([X_AC_SLURM], [
  AC_CHECK_HEADER([slurm/slurm_version.h], [],
    [AC_MSG_ERROR([<slurm/slurm_version.h> not found: install Slurm's development headers (Debian: libslurm-dev, or run contrib/setup/install-deps)])])

  AC_COMPUTE_INT([x_ac_slurm_major], [SLURM_VERSION_MAJOR(SLURM_VERSION_NUMBER)],
    [#include <slurm/slurm_version.h>],
    [AC_MSG_ERROR([cannot read SLURM_VERSION_NUMBER])])
  AC_COMPUTE_INT([x_ac_slurm_minor], [SLURM_VERSION_MINOR(SLURM_VERSION_NUMBER)],
    [#include <slurm/slurm_version.h>])
  AC_COMPUTE_INT([x_ac_slurm_micro], [SLURM_VERSION_MICRO(SLURM_VERSION_NUMBER)],
    [#include <slurm/slurm_version.h>])
  SLURM_VERSION_STRING=`printf '%d.%02d.%d' $x_ac_slurm_major $x_ac_slurm_minor $x_ac_slurm_micro`
  AC_MSG_CHECKING([installed Slurm version])
  AC_MSG_RESULT([$SLURM_VERSION_STRING])

  # The plugin glue is written against the 22.05 plugin APIs (select state
  # hooks, jobcomp_p_set_location(char *), headers in src/common).
  AS_IF([test "$x_ac_slurm_major.$x_ac_slurm_minor" != "22.5"],
    [AC_MSG_ERROR([fsched supports Slurm 22.05, found $SLURM_VERSION_STRING: 23.02 moved the plugin interface headers to src/interfaces and changed jobcomp_p_set_location(); 25.05 removed the select state hooks])])

  # Slurm source tree of the same release.
  AC_ARG_WITH([slurm-source],
    [AS_HELP_STRING([--with-slurm-source=DIR],
      [Slurm source tree of the installed release (default: .slurm-src/slurm-wlm-VERSION, see contrib/setup/fetch-slurm-source)])],
    [SLURM_SOURCE="$withval"],
    [SLURM_SOURCE=`cd "$srcdir" && pwd`/.slurm-src/slurm-wlm-$SLURM_VERSION_STRING])
  AC_MSG_CHECKING([for the Slurm $SLURM_VERSION_STRING source tree])
  AS_IF([test ! -f "$SLURM_SOURCE/META" || test ! -f "$SLURM_SOURCE/src/slurmctld/slurmctld.h"],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([no Slurm source tree at $SLURM_SOURCE: run contrib/setup/fetch-slurm-source, or pass --with-slurm-source=DIR])])
  SLURM_SOURCE=`cd "$SLURM_SOURCE" && pwd`
  x_ac_src_major=`sed -n 's/^[[ 	]]*Major:[[ 	]]*//p' "$SLURM_SOURCE/META"`
  x_ac_src_minor=`sed -n 's/^[[ 	]]*Minor:[[ 	]]*//p' "$SLURM_SOURCE/META"`
  x_ac_src_micro=`sed -n 's/^[[ 	]]*Micro:[[ 	]]*//p' "$SLURM_SOURCE/META"`
  # Strip leading zeros ("05", "08") so that printf reads decimal.
  x_ac_src_minor=`echo "$x_ac_src_minor" | sed 's/^0*\(.\)/\1/'`
  x_ac_src_version=`printf '%d.%02d.%d' "$x_ac_src_major" "$x_ac_src_minor" "$x_ac_src_micro" 2>/dev/null`
  AC_MSG_RESULT([$SLURM_SOURCE ($x_ac_src_version)])
  AS_IF([test "x$x_ac_src_version" != "x$SLURM_VERSION_STRING"],
    [AC_MSG_ERROR([the Slurm source at $SLURM_SOURCE is version $x_ac_src_version but the installed Slurm is $SLURM_VERSION_STRING: slurmctld only loads plugins built for its exact major.minor.micro; fetch the matching source with contrib/setup/fetch-slurm-source])])
  # -isystem: Slurm's headers are not ours to warn about.
  SLURM_CPPFLAGS="-isystem $SLURM_SOURCE"

  # The installed Slurm's plugin directory: where select_cons_tres.so and
  # libslurmfull.so are.  Plugins install there unless told otherwise.
  AC_ARG_WITH([slurm-plugindir],
    [AS_HELP_STRING([--with-slurm-plugindir=DIR],
      [where to install the plugins (default: the directory of the installed select_cons_tres.so)])],
    [SLURM_PLUGINDIR="$withval"], [SLURM_PLUGINDIR=])
  AC_MSG_CHECKING([for the installed Slurm plugin directory])
  SLURM_SYSTEM_PLUGINDIR=
  x_ac_multiarch=`$CC -print-multiarch 2>/dev/null`
  for d in "$libdir/slurm-wlm" "$libdir/slurm" \
           "/usr/lib/$x_ac_multiarch/slurm-wlm" "/usr/lib/$x_ac_multiarch/slurm" \
           /usr/lib64/slurm /usr/lib/slurm /usr/local/lib/slurm /usr/local/lib64/slurm; do
    eval d="$d"; eval d="$d"
    AS_IF([test -f "$d/select_cons_tres.so"], [SLURM_SYSTEM_PLUGINDIR="$d"; break])
  done
  AS_IF([test -z "$SLURM_SYSTEM_PLUGINDIR"],
    [AC_MSG_RESULT([not found])
     AC_MSG_ERROR([cannot find the installed Slurm plugin directory (no select_cons_tres.so found): is slurmctld or slurmd installed?])])
  AC_MSG_RESULT([$SLURM_SYSTEM_PLUGINDIR])
  AS_IF([test -z "$SLURM_PLUGINDIR"], [SLURM_PLUGINDIR="$SLURM_SYSTEM_PLUGINDIR"])

  # Default slurm.conf of the installed Slurm, as compiled into libslurmfull.
  AC_ARG_WITH([slurm-conf],
    [AS_HELP_STRING([--with-slurm-conf=FILE],
      [slurm.conf used when SLURM_CONF is unset (default: the installed Slurm's own default)])],
    [SLURM_DEFAULT_CONF="$withval"], [SLURM_DEFAULT_CONF=])
  AS_IF([test -z "$SLURM_DEFAULT_CONF"], [
    AC_MSG_CHECKING([for the installed Slurm's default slurm.conf])
    for f in "$SLURM_SYSTEM_PLUGINDIR/libslurmfull.so" "$SLURM_SYSTEM_PLUGINDIR"/../libslurm.so.*; do
      AS_IF([test -f "$f"], [
        SLURM_DEFAULT_CONF=`grep -ao '/[[[:alnum:]/_.-]]*/slurm\.conf' "$f" | grep -v '^/run/' | head -n 1`
        AS_IF([test -n "$SLURM_DEFAULT_CONF"], [break])])
    done
    AS_IF([test -z "$SLURM_DEFAULT_CONF"], [SLURM_DEFAULT_CONF=/etc/slurm/slurm.conf])
    AC_MSG_RESULT([$SLURM_DEFAULT_CONF])])

  AC_DEFINE_UNQUOTED([FSCHED_SLURM_VERSION], ["$SLURM_VERSION_STRING"],
    [Slurm release the plugins are built for])
  AC_DEFINE_UNQUOTED([FSCHED_DEFAULT_SLURM_CONF], ["$SLURM_DEFAULT_CONF"],
    [slurm.conf read when SLURM_CONF is not set])

  # Known bugs of some releases that fsched works around (see README,
  # "Known issues").  Decided here, at build time, from the version.
  x_ac_slurm_num=`expr $x_ac_slurm_major \* 65536 + $x_ac_slurm_minor \* 256 + $x_ac_slurm_micro`
  AS_IF([test $x_ac_slurm_num -lt `expr 23 \* 65536 + 2 \* 256 + 4`],
    [AC_DEFINE([FSCHED_HAVE_BUG_17032], [1],
      [Slurm < 23.02.4: the main scheduler thread of a backup that takes over can exit at once])])
  AS_IF([test $x_ac_slurm_num -lt `expr 23 \* 65536 + 2 \* 256 + 3`],
    [AC_DEFINE([FSCHED_HAVE_BUG_16669], [1],
      [Slurm < 23.02.3: a slurmctld process that was primary never restarts its main scheduler after a second takeover])])

  AC_SUBST([SLURM_VERSION_STRING])
  AC_SUBST([SLURM_SOURCE])
  AC_SUBST([SLURM_CPPFLAGS])
  AC_SUBST([SLURM_PLUGINDIR])
  AC_SUBST([SLURM_SYSTEM_PLUGINDIR])
  AC_SUBST([SLURM_DEFAULT_CONF])
])
