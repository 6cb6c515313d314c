# X_AC_CHECK - find the Check unit test framework (required for "make check").
# Sets CHECK_CFLAGS and CHECK_LIBS.
AC_DEFUN([X_AC_CHECK], [
  PKG_CHECK_MODULES([CHECK], [check >= 0.10], [],
    [AC_MSG_ERROR([Check >= 0.10 not found; the unit tests need it (Debian: apt-get install check, or run contrib/setup/install-deps)])])
])
