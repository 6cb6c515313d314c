# X_AC_JSON_C - find json-c (required): pkg-config first, --with-json-c=PREFIX
# to override.  Sets JSON_C_CFLAGS and JSON_C_LIBS.
AC_DEFUN([X_AC_JSON_C], [
  AC_ARG_WITH([json-c],
    [AS_HELP_STRING([--with-json-c=PREFIX], [json-c installation prefix])],
    [x_ac_json_c_prefix="$withval"], [x_ac_json_c_prefix=])

  AS_IF([test "x$x_ac_json_c_prefix" = xno],
    [AC_MSG_ERROR([json-c is required; --without-json-c is not supported])])

  AS_IF([test -n "$x_ac_json_c_prefix" && test "x$x_ac_json_c_prefix" != xyes],
    [JSON_C_CFLAGS="-I$x_ac_json_c_prefix/include/json-c"
     JSON_C_LIBS="-L$x_ac_json_c_prefix/lib -ljson-c"],
    [PKG_CHECK_MODULES([JSON_C], [json-c >= 0.13], [],
      [AC_MSG_ERROR([json-c >= 0.13 not found (Debian: apt-get install libjson-c-dev, or run contrib/setup/install-deps)])])])

  x_ac_json_c_save_CPPFLAGS="$CPPFLAGS"
  x_ac_json_c_save_LIBS="$LIBS"
  CPPFLAGS="$CPPFLAGS $JSON_C_CFLAGS"
  LIBS="$LIBS $JSON_C_LIBS"
  AC_CHECK_HEADER([json.h], [],
    [AC_MSG_ERROR([json-c header json.h not found with "$JSON_C_CFLAGS"])])
  AC_CHECK_FUNC([json_tokener_parse_ex], [],
    [AC_MSG_ERROR([json-c library not usable with "$JSON_C_LIBS"])])
  CPPFLAGS="$x_ac_json_c_save_CPPFLAGS"
  LIBS="$x_ac_json_c_save_LIBS"
  AC_SUBST([JSON_C_CFLAGS])
  AC_SUBST([JSON_C_LIBS])
])
