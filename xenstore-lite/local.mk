# xenstore-lite: build fragment included by the root Makefile.am (see its header).
#
# Host: libxsl_proto.a (wire/path/perms, pure), libxsl_daemon.a (everything of the daemon
# but main), tern-xenstored, libxsl_client.a (the xs_* API of <xenstore.h>), the multi-call
# client tern-xenstore; Check unit tests and socket protocol tests.
# aarch64 (dom0): aarch64/bin/tern-xenstored and aarch64/bin/tern-xenstore, static.

XSL_PROTO_SRC = xenstore-lite/proto/wire.c xenstore-lite/proto/path.c xenstore-lite/proto/perms.c
XSL_DAEMON_SRC = xenstore-lite/daemon/daemon.c xenstore-lite/daemon/util.c xenstore-lite/daemon/tree.c \
	xenstore-lite/daemon/transaction.c xenstore-lite/daemon/conn.c \
	xenstore-lite/daemon/dispatch.c xenstore-lite/daemon/watch.c \
	xenstore-lite/daemon/mutate.c xenstore-lite/daemon/persist.c \
	xenstore-lite/daemon/domain.c xenstore-lite/daemon/socket.c
XSL_LIB_SRC = xenstore-lite/lib/xs_client.c

noinst_LIBRARIES += libxsl_proto.a libxsl_daemon.a
libxsl_proto_a_SOURCES = $(XSL_PROTO_SRC) xenstore-lite/proto/wire.h \
	xenstore-lite/proto/path.h xenstore-lite/proto/perms.h
libxsl_daemon_a_SOURCES = $(XSL_DAEMON_SRC) xenstore-lite/daemon/util.h \
	xenstore-lite/daemon/tree.h xenstore-lite/daemon/transaction.h \
	xenstore-lite/daemon/conn.h xenstore-lite/daemon/dispatch.h \
	xenstore-lite/daemon/watch.h xenstore-lite/daemon/mutate.h \
	xenstore-lite/daemon/persist.h xenstore-lite/daemon/domain.h \
	xenstore-lite/daemon/socket.h xenstore-lite/daemon/daemon.h \
	xenstore-lite/daemon/xen_dev.h

bin_PROGRAMS += tern-xenstored
tern_xenstored_SOURCES = xenstore-lite/daemon/main.c
tern_xenstored_LDADD = libxsl_daemon.a libxsl_proto.a

# The client library: compiled against Debian's <xenstore.h>, so it is that API.
noinst_LIBRARIES += libxsl_client.a
libxsl_client_a_SOURCES = $(XSL_LIB_SRC)

# The multi-call client: run as xenstore-read etc. (symlink) or "tern-xenstore read ...".
XSL_CLIENT_SRC = xenstore-lite/clients/xenstore.c xenstore-lite/clients/escape.c
bin_PROGRAMS += tern-xenstore
tern_xenstore_SOURCES = $(XSL_CLIENT_SRC) xenstore-lite/clients/escape.h
tern_xenstore_LDADD = libxsl_client.a libxsl_proto.a -lpthread

# ---------------------------------------------------------------- aarch64 (dom0)
# Static programs for the dom0 initramfs.  The client runs as "tern-xenstore <mode>" there:
# Xen's own xenstore-* names stay Debian's (the harness image may carry them).
AARCH64_OUTPUTS += aarch64/bin/tern-xenstored aarch64/bin/tern-xenstore
aarch64/bin/tern-xenstored: $(XSL_PROTO_SRC) $(XSL_DAEMON_SRC) xenstore-lite/daemon/main.c \
		$(libxsl_daemon_a_SOURCES)
	@mkdir -p aarch64/bin
	$(AARCH64_PROGRAM_LINK) -o $@ $(addprefix $(srcdir)/,$(XSL_PROTO_SRC) $(XSL_DAEMON_SRC) \
		xenstore-lite/daemon/main.c)
aarch64/bin/tern-xenstore: $(XSL_PROTO_SRC) $(XSL_LIB_SRC) $(XSL_CLIENT_SRC)
	@mkdir -p aarch64/bin
	$(AARCH64_PROGRAM_LINK) -o $@ $(addprefix $(srcdir)/,$(XSL_PROTO_SRC) $(XSL_LIB_SRC) \
		$(XSL_CLIENT_SRC)) -lpthread

# ---------------------------------------------------------------- unit tests (Check)
XSL_UNIT_LDADD = libxsl_daemon.a libxsl_proto.a $(CHECK_LIBS)
check_PROGRAMS += tests/unit/xenstore-lite/check_proto tests/unit/xenstore-lite/check_store
TESTS += tests/unit/xenstore-lite/check_proto tests/unit/xenstore-lite/check_store
tests_unit_xenstore_lite_check_proto_SOURCES = tests/unit/xenstore-lite/test_proto.c
tests_unit_xenstore_lite_check_proto_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_xenstore_lite_check_proto_LDADD = $(XSL_UNIT_LDADD)
tests_unit_xenstore_lite_check_store_SOURCES = tests/unit/xenstore-lite/test_store.c \
	tests/unit/xenstore-lite/harness.c tests/unit/xenstore-lite/harness.h
tests_unit_xenstore_lite_check_store_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_xenstore_lite_check_store_LDADD = $(XSL_UNIT_LDADD)

# ---------------------------------------------------------------- protocol tests (host)
# The daemon on a private socket, driven raw (protocol.py) and by Debian's own
# xenstore-utils + libxenstore4 (debian-tools.py).
TESTS += tests/xenstore-lite/protocol.py tests/xenstore-lite/debian-tools.py
EXTRA_DIST += tests/xenstore-lite/xslclient.py tests/xenstore-lite/protocol.py \
	tests/xenstore-lite/debian-tools.py

# ---------------------------------------------------------------- benchmark client (bench/xenstore)
bin_PROGRAMS += xsl-bench
xsl_bench_SOURCES = bench/xenstore/xsl-bench.c
xsl_bench_LDADD = libxsl_client.a libxsl_proto.a -lpthread
AARCH64_OUTPUTS += aarch64/bin/xsl-bench
aarch64/bin/xsl-bench: bench/xenstore/xsl-bench.c $(XSL_PROTO_SRC) $(XSL_LIB_SRC)
	@mkdir -p aarch64/bin
	$(AARCH64_PROGRAM_LINK) -o $@ $(addprefix $(srcdir)/,bench/xenstore/xsl-bench.c \
		$(XSL_PROTO_SRC) $(XSL_LIB_SRC)) -lpthread

# The null daemon (canned replies): the benchmark's floor, what client + kernel cost.
noinst_PROGRAMS += bench/xenstore/xsl-nulld
bench_xenstore_xsl_nulld_SOURCES = bench/xenstore/xsl-nulld.c
AARCH64_OUTPUTS += aarch64/bin/xsl-nulld
aarch64/bin/xsl-nulld: bench/xenstore/xsl-nulld.c
	@mkdir -p aarch64/bin
	$(AARCH64_PROGRAM_LINK) -o $@ $(srcdir)/bench/xenstore/xsl-nulld.c
EXTRA_DIST += bench/xenstore/run-bench.py

# ---------------------------------------------------------------- fuzzing (clang libFuzzer)
TESTS += tests/xenstore-lite/fuzz-replay.sh
EXTRA_DIST += tests/xenstore-lite/fuzz-replay.sh tests/xenstore-lite/fuzz
TESTS += tests/system/xenstore-xen.py
EXTRA_DIST += tests/system/xenstore-xen.py
