# dom0-tools: build fragment included by the root Makefile.am (see its header).
#
# Libraries implementing Debian libxen-dev's C APIs (xencall, xenevtchn, xengnttab,
# xenforeignmemory, xentoollog, xenctrl), each a portable core plus an OS back end picked at
# link time (linux.c for dom0, fake.c for host unit tests); the Arm domain builder
# (libs/guest); the tern CLI (tern/) and tern-consoled (console/).
#
# xenstore: xs_* calls go to xenstore-lite's libxenstore-compatible client
# (xenstore-lite/lib, with its proto/ helpers and pthreads).

TOOLS_CPPFLAGS = -D__XEN_TOOLS__=1 -I$(srcdir)/dom0-tools/include

TOOLS_CORE_SRCS = \
	dom0-tools/libs/toollog/core.c \
	dom0-tools/libs/call/core.c \
	dom0-tools/libs/evtchn/core.c \
	dom0-tools/libs/gnttab/core.c \
	dom0-tools/libs/foreignmemory/core.c \
	dom0-tools/libs/ctrl/xc_private.c \
	dom0-tools/libs/ctrl/xc_domain.c \
	dom0-tools/libs/ctrl/xc_misc.c \
	dom0-tools/libs/ctrl/xc_memory.c \
	dom0-tools/libs/ctrl/xc_evtchn_hvm.c \
	dom0-tools/libs/ctrl/xc_sched.c
TOOLS_LINUX_SRCS = \
	dom0-tools/libs/call/linux.c \
	dom0-tools/libs/evtchn/linux.c \
	dom0-tools/libs/gnttab/linux.c \
	dom0-tools/libs/foreignmemory/linux.c
TOOLS_FAKE_SRCS = \
	dom0-tools/libs/call/fake.c \
	dom0-tools/libs/foreignmemory/fake.c \
	dom0-tools/libs/gnttab/fake.c
TOOLS_GUEST_SRCS = \
	dom0-tools/libs/guest/image.c \
	dom0-tools/libs/guest/layout.c \
	dom0-tools/libs/guest/dtb.c \
	dom0-tools/libs/guest/plan.c \
	dom0-tools/libs/guest/load.c \
	dom0-tools/libs/guest/timing.c \
	dom0-tools/libs/guest/build.c
TOOLS_XS_SRCS = xenstore-lite/lib/xs_client.c xenstore-lite/proto/wire.c \
	xenstore-lite/proto/path.c xenstore-lite/proto/perms.c
TOOLS_XS_HOST_LIBS = libxsl_client.a libxsl_proto.a -lpthread
TOOLS_CLI_SRCS = \
	dom0-tools/tern/config.c \
	dom0-tools/tern/devspec.c \
	dom0-tools/tern/devices_nodes.c \
	dom0-tools/tern/devices_vbd.c \
	dom0-tools/tern/devices_vif.c \
	dom0-tools/tern/devices.c \
	dom0-tools/tern/devices_changes.c \
	dom0-tools/tern/ctx.c \
	dom0-tools/tern/domain.c \
	dom0-tools/tern/xs_batch.c \
	dom0-tools/tern/cmdtable.c \
	dom0-tools/tern/cmd_vm.c \
	dom0-tools/tern/cmd_info.c \
	dom0-tools/tern/cmd_console.c \
	dom0-tools/tern/cmd_args.c \
	dom0-tools/tern/cmd_block.c \
	dom0-tools/tern/cmd_net.c \
	dom0-tools/tern/cmd_disk.c \
	dom0-tools/tern/balloon.c \
	dom0-tools/tern/balloon_read.c \
	dom0-tools/tern/cpumap.c \
	dom0-tools/tern/cmd_vcpu.c \
	dom0-tools/tern/cmd_sched.c
# tern top (dom0-tools/top: samples, xentop's layout; docs/monitoring.md)
TOOLS_CLI_SRCS += dom0-tools/top/stats.c dom0-tools/top/stats_read.c dom0-tools/top/topfmt.c \
	dom0-tools/top/topargs.c dom0-tools/top/topkeys.c dom0-tools/tern/cmd_top.c
# tern network-stats reads back tern-netback's counters files (docs/netback.md); netback/stats.c
# reaches tern-netback through these too
TOOLS_CLI_SRCS += dom0-tools/tern/cmd_netstats.c dom0-tools/netback/stats.c
# tern block-stats, tern top and tern-metricsd read tern-blkback's counters files
# (docs/blkback.md); blkback/stats.c reaches tern-blkback through these too
TOOLS_CLI_SRCS += dom0-tools/tern/cmd_blockstats.c dom0-tools/blkback/stats.c
TOOLS_CONSOLE_SRCS = dom0-tools/console/ring.c dom0-tools/console/events.c \
	dom0-tools/console/consoled.c
TOOLS_HDRS = \
	dom0-tools/include/tern/guest.h dom0-tools/include/tern/fake.h \
	dom0-tools/libs/call/private.h dom0-tools/libs/evtchn/private.h \
	dom0-tools/libs/gnttab/private.h dom0-tools/libs/foreignmemory/private.h \
	dom0-tools/libs/ctrl/xc_private.h dom0-tools/libs/guest/arch_arm.h \
	dom0-tools/libs/guest/load.h \
	dom0-tools/tern/tern.h dom0-tools/tern/config.h dom0-tools/tern/cmdtable.h \
	dom0-tools/tern/xs_batch.h dom0-tools/tern/devspec.h dom0-tools/tern/devices.h \
	dom0-tools/tern/devices_nodes.h \
	dom0-tools/tern/devices_changes.h \
	dom0-tools/tern/balloon.h dom0-tools/tern/balloon_read.h \
	dom0-tools/tern/cpumap.h dom0-tools/tern/netstats.h \
	dom0-tools/console/ring.h dom0-tools/console/events.h
TOOLS_HDRS += dom0-tools/netback/stats.h dom0-tools/netback/queues.h
TOOLS_HDRS += dom0-tools/blkback/stats.h
TOOLS_HDRS += dom0-tools/top/stats.h dom0-tools/top/stats_read.h dom0-tools/top/topfmt.h \
	dom0-tools/top/topkeys.h

# ---------------------------------------------------------------- host (CC)
noinst_LIBRARIES += dom0-tools/libtern_xen.a dom0-tools/libtern_linux.a \
	dom0-tools/libtern_fake.a dom0-tools/libtern_guest.a dom0-tools/libtern_cli.a
dom0_tools_libtern_xen_a_SOURCES = $(TOOLS_CORE_SRCS) $(TOOLS_HDRS)
dom0_tools_libtern_xen_a_CPPFLAGS = $(TOOLS_CPPFLAGS)
dom0_tools_libtern_linux_a_SOURCES = $(TOOLS_LINUX_SRCS)
dom0_tools_libtern_linux_a_CPPFLAGS = $(TOOLS_CPPFLAGS)
dom0_tools_libtern_fake_a_SOURCES = $(TOOLS_FAKE_SRCS)
dom0_tools_libtern_fake_a_CPPFLAGS = $(TOOLS_CPPFLAGS)
# vcpu_other.c: on a non-Arm build host the boot vCPU cannot be described (see the file).
dom0_tools_libtern_guest_a_SOURCES = $(TOOLS_GUEST_SRCS) dom0-tools/libs/guest/vcpu_other.c
dom0_tools_libtern_guest_a_CPPFLAGS = $(TOOLS_CPPFLAGS)
dom0_tools_libtern_cli_a_SOURCES = $(TOOLS_CLI_SRCS) \
	dom0-tools/tern/arch_other.c dom0-tools/console/ring.c dom0-tools/console/events.c
dom0_tools_libtern_cli_a_CPPFLAGS = $(TOOLS_CPPFLAGS)

TOOLS_HOST_LIBS = dom0-tools/libtern_cli.a dom0-tools/libtern_guest.a dom0-tools/libtern_xen.a
noinst_PROGRAMS += dom0-tools/tern/tern dom0-tools/console/tern-consoled
dom0_tools_tern_tern_SOURCES = dom0-tools/tern/main.c
dom0_tools_tern_tern_CPPFLAGS = $(TOOLS_CPPFLAGS)
dom0_tools_tern_tern_LDADD = $(TOOLS_HOST_LIBS) dom0-tools/libtern_linux.a $(FDT_LIBS) $(Z_LIBS) \
	$(TOOLS_XS_HOST_LIBS)
dom0_tools_console_tern_consoled_SOURCES = dom0-tools/console/consoled.c
dom0_tools_console_tern_consoled_CPPFLAGS = $(TOOLS_CPPFLAGS)
dom0_tools_console_tern_consoled_LDADD = $(TOOLS_HOST_LIBS) dom0-tools/libtern_linux.a \
	$(FDT_LIBS) $(Z_LIBS) $(TOOLS_XS_HOST_LIBS)

# Unit tests: one Check program, one suite per file, against the fake back ends.
check_PROGRAMS += tests/unit/dom0-tools/check_dom0_tools
TESTS += tests/unit/dom0-tools/check_dom0_tools
tests_unit_dom0_tools_check_dom0_tools_SOURCES = \
	tests/unit/dom0-tools/main.c \
	tests/unit/dom0-tools/suites.h \
	tests/unit/dom0-tools/capture.c tests/unit/dom0-tools/capture.h \
	tests/unit/dom0-tools/test_config.c \
	tests/unit/dom0-tools/test_cmdtable.c \
	tests/unit/dom0-tools/test_guest.c \
	tests/unit/dom0-tools/test_ring.c \
	tests/unit/dom0-tools/test_ctrl.c \
	tests/unit/dom0-tools/test_events.c \
	tests/unit/dom0-tools/test_xs_batch.c \
	tests/unit/dom0-tools/test_devspec.c \
	tests/unit/dom0-tools/test_devices.c \
	tests/unit/dom0-tools/test_balloon.c \
	tests/unit/dom0-tools/test_top.c \
	tests/unit/dom0-tools/test_sched.c \
	tests/unit/dom0-tools/test_netstats.c
tests_unit_dom0_tools_check_dom0_tools_CPPFLAGS = $(TOOLS_CPPFLAGS) \
	-I$(srcdir)/dom0-tools/tern -I$(srcdir)/dom0-tools/console
tests_unit_dom0_tools_check_dom0_tools_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_dom0_tools_check_dom0_tools_LDADD = $(TOOLS_HOST_LIBS) dom0-tools/libtern_fake.a \
	$(FDT_LIBS) $(Z_LIBS) $(CHECK_LIBS) $(TOOLS_XS_HOST_LIBS)

# System tests on real Xen 4.17 under QEMU (~4 min each): with Debian's xenstored, and with
# xenstore-lite's tern-xenstored (the whole Tern userspace).
TESTS += tests/system/toolstack-xen.py tests/system/toolstack-xenstore-lite.py
# Devices (disks, vifs) on Tern, one boot; the Xen variant (compares with Debian's xl) is run
# by hand: python3 tests/system/toolstack-devices-xen.py
TESTS += tests/system/toolstack-devices-tern.py
EXTRA_DIST += tests/system/toolstack-devices-tern.py tests/system/toolstack-devices-xen.py
EXTRA_DIST += tests/system/toolstack-xen.py tests/system/toolstack-xenstore-lite.py \
	bench/toolstack/bench-create.py \
	bench/toolstack/bench-dom0.sh \
	bench/toolstack/diag-guest-boot.py

# ---------------------------------------------------------------- aarch64 dom0 programs
TOOLS_A64_FLAGS = $(TOOLS_CPPFLAGS) $(AARCH64_CPPFLAGS)
TOOLS_A64_COMMON = $(addprefix $(srcdir)/,$(TOOLS_CORE_SRCS) $(TOOLS_LINUX_SRCS) \
	$(TOOLS_GUEST_SRCS) dom0-tools/libs/guest/vcpu_arm64.c $(TOOLS_XS_SRCS) \
	$(TOOLS_CLI_SRCS) dom0-tools/tern/arch_arm64.c)
TOOLS_A64_DEPS = $(TOOLS_A64_COMMON) $(addprefix $(srcdir)/,$(TOOLS_HDRS))

aarch64/bin/tern: $(TOOLS_A64_DEPS) $(srcdir)/dom0-tools/tern/main.c
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) $(TOOLS_A64_FLAGS) -o $@ \
		$(srcdir)/dom0-tools/tern/main.c $(TOOLS_A64_COMMON) $(AARCH64_LIBFDT) $(AARCH64_LIBZ) \
		-lpthread
aarch64/bin/tern-consoled: $(TOOLS_A64_DEPS) $(addprefix $(srcdir)/,$(TOOLS_CONSOLE_SRCS))
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) $(TOOLS_A64_FLAGS) -o $@ \
		$(addprefix $(srcdir)/,$(TOOLS_CONSOLE_SRCS)) $(TOOLS_A64_COMMON) $(AARCH64_LIBFDT) \
		$(AARCH64_LIBZ) -lpthread
AARCH64_OUTPUTS += aarch64/bin/tern aarch64/bin/tern-consoled

# ---------------------------------------------------------------- tern-blkback (block backend)
TOOLS_BLKBACK_SRCS = dom0-tools/blkback/req.c dom0-tools/blkback/paths.c \
	dom0-tools/blkback/queue.c dom0-tools/blkback/serve.c dom0-tools/blkback/vbd.c \
	dom0-tools/blkback/pgrant.c dom0-tools/blkback/blkback.c dom0-tools/console/events.c
TOOLS_BLKBACK_HDRS = dom0-tools/blkback/req.h dom0-tools/blkback/paths.h \
	dom0-tools/blkback/queue.h dom0-tools/blkback/vbd.h dom0-tools/blkback/pgrant.h
noinst_PROGRAMS += dom0-tools/blkback/tern-blkback
dom0_tools_blkback_tern_blkback_SOURCES = $(TOOLS_BLKBACK_SRCS) $(TOOLS_BLKBACK_HDRS)
dom0_tools_blkback_tern_blkback_CPPFLAGS = $(TOOLS_CPPFLAGS)
dom0_tools_blkback_tern_blkback_LDADD = $(TOOLS_HOST_LIBS) dom0-tools/libtern_linux.a \
	$(FDT_LIBS) $(Z_LIBS) $(TOOLS_XS_HOST_LIBS)
check_PROGRAMS += tests/unit/dom0-tools/check_blkback
TESTS += tests/unit/dom0-tools/check_blkback
tests_unit_dom0_tools_check_blkback_SOURCES = tests/unit/dom0-tools/check_blkback.c \
	dom0-tools/blkback/req.c dom0-tools/blkback/paths.c dom0-tools/blkback/stats.c \
	dom0-tools/blkback/pgrant.c
tests_unit_dom0_tools_check_blkback_CPPFLAGS = $(TOOLS_CPPFLAGS) -I$(srcdir)/dom0-tools/blkback
tests_unit_dom0_tools_check_blkback_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_dom0_tools_check_blkback_LDADD = $(CHECK_LIBS)
# serve.c against a simulated blkfront (grant copy and event channel fakes in the test)
check_PROGRAMS += tests/unit/dom0-tools/check_blkback_serve
TESTS += tests/unit/dom0-tools/check_blkback_serve
tests_unit_dom0_tools_check_blkback_serve_SOURCES = tests/unit/dom0-tools/check_blkback_serve.c \
	tests/unit/dom0-tools/fake_grant_copy.c tests/unit/dom0-tools/fake_grant_copy.h \
	dom0-tools/blkback/serve.c dom0-tools/blkback/req.c dom0-tools/blkback/pgrant.c
tests_unit_dom0_tools_check_blkback_serve_CPPFLAGS = $(TOOLS_CPPFLAGS) -I$(srcdir)/dom0-tools/blkback
tests_unit_dom0_tools_check_blkback_serve_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_dom0_tools_check_blkback_serve_LDADD = $(CHECK_LIBS)
EXTRA_DIST += docs/blkback.md

aarch64/bin/tern-blkback: $(TOOLS_A64_DEPS) $(addprefix $(srcdir)/,$(TOOLS_BLKBACK_SRCS) \
		$(TOOLS_BLKBACK_HDRS))
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) $(TOOLS_A64_FLAGS) -o $@ \
		$(addprefix $(srcdir)/,$(TOOLS_BLKBACK_SRCS)) $(TOOLS_A64_COMMON) $(AARCH64_LIBFDT) \
		$(AARCH64_LIBZ) -lpthread
AARCH64_OUTPUTS += aarch64/bin/tern-blkback
TESTS += tests/system/block-xen.py tests/system/block-tern.py
EXTRA_DIST += tests/system/block-xen.py tests/system/block-tern.py tests/system/block-guest.sh \
	tests/system/block-gsh.sh
# ---------------------------------------------------------------- memory: balloon policy
# tern-balloond (dom0-tools/balloond): the automatic balloon policy daemon (policy.h).
BALLOOND_SRCS = dom0-tools/balloond/policy.c
BALLOOND_HDRS = dom0-tools/balloond/policy.h
EXTRA_DIST += $(BALLOOND_SRCS) $(BALLOOND_HDRS) dom0-tools/balloond/balloond.c
aarch64/bin/tern-balloond: $(TOOLS_A64_DEPS) $(addprefix $(srcdir)/,$(BALLOOND_SRCS) \
		$(BALLOOND_HDRS) dom0-tools/balloond/balloond.c)
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) $(TOOLS_A64_FLAGS) -I$(srcdir)/dom0-tools/tern -o $@ \
		$(addprefix $(srcdir)/,$(BALLOOND_SRCS) dom0-tools/balloond/balloond.c) \
		$(TOOLS_A64_COMMON) $(AARCH64_LIBFDT) $(AARCH64_LIBZ) -lpthread
AARCH64_OUTPUTS += aarch64/bin/tern-balloond
check_PROGRAMS += tests/unit/dom0-tools/check_balloond
TESTS += tests/unit/dom0-tools/check_balloond
tests_unit_dom0_tools_check_balloond_SOURCES = tests/unit/dom0-tools/check_balloond.c \
	$(BALLOOND_SRCS)
tests_unit_dom0_tools_check_balloond_CPPFLAGS = -I$(srcdir)/dom0-tools/balloond
tests_unit_dom0_tools_check_balloond_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_dom0_tools_check_balloond_LDADD = $(CHECK_LIBS)
# ---------------------------------------------------------------- tern-netback (issue 10)
# Host unit tests of its pure pieces: xl's rate=RATE/s@INTERVAL parser and token bucket, the
# learning switch's forwarding table with the anti-spoofing check, TX request validation,
# per-vif counters' JSON, watch-path parsing, grant-copy plans, ring index sanity, GSO
# segmentation, the IPv6 extension-header walk (docs/netback.md); the daemon itself is tested
# in QEMU (tests/system/net-*.py).
check_PROGRAMS += tests/unit/dom0-tools/check_netback
TESTS += tests/unit/dom0-tools/check_netback
tests_unit_dom0_tools_check_netback_SOURCES = tests/unit/dom0-tools/check_netback.c \
	dom0-tools/netback/rate.c dom0-tools/netback/rate.h \
	dom0-tools/netback/switch.c dom0-tools/netback/switch.h \
	dom0-tools/netback/txcheck.c dom0-tools/netback/txcheck.h \
	dom0-tools/netback/stats.c dom0-tools/netback/stats.h \
	dom0-tools/netback/path.c dom0-tools/netback/path.h \
	dom0-tools/netback/copyplan.c dom0-tools/netback/copyplan.h \
	dom0-tools/netback/ringidx.c dom0-tools/netback/ringidx.h \
	dom0-tools/netback/csum.c dom0-tools/netback/csum.h \
	dom0-tools/netback/gso.c dom0-tools/netback/gso.h \
	dom0-tools/netback/queues.c dom0-tools/netback/queues.h \
	dom0-tools/netback/ipv6.c dom0-tools/netback/ipv6.h \
	dom0-tools/netback/irqpin.c dom0-tools/netback/irqpin.h
tests_unit_dom0_tools_check_netback_CPPFLAGS = $(TOOLS_CPPFLAGS) -I$(srcdir)/dom0-tools/netback
tests_unit_dom0_tools_check_netback_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_dom0_tools_check_netback_LDADD = $(CHECK_LIBS)
# The daemon: tern-netback (one process for all vifs, with a supervisor; docs/netback.md).
TOOLS_NETBACK_SRCS = dom0-tools/netback/rate.c dom0-tools/netback/switch.c \
	dom0-tools/netback/txcheck.c dom0-tools/netback/path.c \
	dom0-tools/netback/copyplan.c dom0-tools/netback/ringidx.c dom0-tools/netback/csum.c \
	dom0-tools/netback/gso.c dom0-tools/netback/tap.c dom0-tools/netback/bridge.c dom0-tools/netback/ring.c \
	dom0-tools/netback/vif.c dom0-tools/netback/netback.c dom0-tools/console/events.c
TOOLS_NETBACK_HDRS = dom0-tools/netback/rate.h dom0-tools/netback/switch.h \
	dom0-tools/netback/txcheck.h dom0-tools/netback/stats.h dom0-tools/netback/path.h \
	dom0-tools/netback/copyplan.h dom0-tools/netback/ringidx.h dom0-tools/netback/csum.h \
	dom0-tools/netback/tap.h dom0-tools/netback/nb.h dom0-tools/netback/gso.h
# dom0's port kinds (--dom0-port=tap|veth): the veth pair with its packet socket and TX ring
TOOLS_NETBACK_SRCS += dom0-tools/netback/dom0port.c dom0-tools/netback/veth.c \
	dom0-tools/netback/pktport.c dom0-tools/netback/pktring.c
TOOLS_NETBACK_HDRS += dom0-tools/netback/dom0port.h dom0-tools/netback/veth.h \
	dom0-tools/netback/pktport.h dom0-tools/netback/pktring.h
# the frontend's queue and event-channel nodes, the RX flow hash (multi-queue)
TOOLS_NETBACK_SRCS += dom0-tools/netback/queues.c
TOOLS_NETBACK_HDRS += dom0-tools/netback/queues.h
# the IPv6 extension-header walk (checksums, GSO, the flow hash)
TOOLS_NETBACK_SRCS += dom0-tools/netback/ipv6.c
TOOLS_NETBACK_HDRS += dom0-tools/netback/ipv6.h
# its event channels' interrupts moved to the backend's CPU
TOOLS_NETBACK_SRCS += dom0-tools/netback/irqpin.c
TOOLS_NETBACK_HDRS += dom0-tools/netback/irqpin.h
noinst_PROGRAMS += dom0-tools/netback/tern-netback
dom0_tools_netback_tern_netback_SOURCES = $(TOOLS_NETBACK_SRCS) $(TOOLS_NETBACK_HDRS)
dom0_tools_netback_tern_netback_CPPFLAGS = $(TOOLS_CPPFLAGS)
dom0_tools_netback_tern_netback_LDADD = $(TOOLS_HOST_LIBS) dom0-tools/libtern_linux.a \
	$(FDT_LIBS) $(Z_LIBS) $(TOOLS_XS_HOST_LIBS)
EXTRA_DIST += docs/netback.md
aarch64/bin/tern-netback: $(TOOLS_A64_DEPS) $(addprefix $(srcdir)/,$(TOOLS_NETBACK_SRCS) \
		$(TOOLS_NETBACK_HDRS))
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) $(TOOLS_A64_FLAGS) -o $@ \
		$(addprefix $(srcdir)/,$(TOOLS_NETBACK_SRCS)) $(TOOLS_A64_COMMON) $(AARCH64_LIBFDT) \
		$(AARCH64_LIBZ) -lpthread
AARCH64_OUTPUTS += aarch64/bin/tern-netback
# The network system tests' traffic tool (in dom0's /usr/local/bin, and in the test guests).
aarch64/bin/net-stream: $(srcdir)/tests/system/net-stream.c
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) -o $@ $<
AARCH64_OUTPUTS += aarch64/bin/net-stream
EXTRA_DIST += tests/system/net-stream.c
# tern-netback on Tern (~3 min of QEMU; passed twice in a row). The Xen variant is run by hand:
# python3 tests/system/net-xen.py
TESTS += tests/system/net-tern.py
EXTRA_DIST += tests/system/net-tern.py tests/system/net-xen.py
# ring.c against a simulated netfront (its grant copies, event channel and switch are fakes).
check_PROGRAMS += tests/unit/dom0-tools/check_netback_ring
TESTS += tests/unit/dom0-tools/check_netback_ring
tests_unit_dom0_tools_check_netback_ring_SOURCES = tests/unit/dom0-tools/check_netback_ring.c \
	tests/unit/dom0-tools/fake_grant_copy.c tests/unit/dom0-tools/fake_grant_copy.h \
	dom0-tools/netback/ring.c dom0-tools/netback/txcheck.c dom0-tools/netback/copyplan.c \
	dom0-tools/netback/csum.c dom0-tools/netback/ringidx.c dom0-tools/netback/rate.c \
	dom0-tools/netback/switch.c dom0-tools/netback/gso.c dom0-tools/netback/ipv6.c
tests_unit_dom0_tools_check_netback_ring_CPPFLAGS = $(TOOLS_CPPFLAGS) -I$(srcdir)/dom0-tools/netback
tests_unit_dom0_tools_check_netback_ring_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_dom0_tools_check_netback_ring_LDADD = $(CHECK_LIBS)
tests_unit_dom0_tools_check_netback_ring_SOURCES += dom0-tools/netback/stats.c \
	dom0-tools/netback/queues.c
# bridge.c's ports with GSO (segmentation per port, the TAP's virtio_net_hdr both ways).
check_PROGRAMS += tests/unit/dom0-tools/check_netback_bridge
TESTS += tests/unit/dom0-tools/check_netback_bridge
tests_unit_dom0_tools_check_netback_bridge_SOURCES = tests/unit/dom0-tools/check_netback_bridge.c \
	dom0-tools/netback/bridge.c dom0-tools/netback/switch.c dom0-tools/netback/gso.c \
	dom0-tools/netback/csum.c dom0-tools/netback/ipv6.c dom0-tools/netback/stats.c
tests_unit_dom0_tools_check_netback_bridge_CPPFLAGS = $(TOOLS_CPPFLAGS) -I$(srcdir)/dom0-tools/netback
tests_unit_dom0_tools_check_netback_bridge_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_dom0_tools_check_netback_bridge_LDADD = $(CHECK_LIBS)
tests_unit_dom0_tools_check_netback_bridge_SOURCES += dom0-tools/netback/dom0port.c \
	dom0-tools/netback/veth.c dom0-tools/netback/pktport.c dom0-tools/netback/pktring.c
# pktring.c: the slots of the veth port's PACKET_TX_RING, over a ring in ordinary memory.
check_PROGRAMS += tests/unit/dom0-tools/check_netback_pktring
TESTS += tests/unit/dom0-tools/check_netback_pktring
tests_unit_dom0_tools_check_netback_pktring_SOURCES = \
	tests/unit/dom0-tools/check_netback_pktring.c dom0-tools/netback/pktring.c \
	dom0-tools/netback/pktring.h
tests_unit_dom0_tools_check_netback_pktring_CPPFLAGS = $(TOOLS_CPPFLAGS) -I$(srcdir)/dom0-tools/netback
tests_unit_dom0_tools_check_netback_pktring_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_dom0_tools_check_netback_pktring_LDADD = $(CHECK_LIBS)
# ---------------------------------------------------------------- monitoring (issue 11)
# tern-metricsd (dom0-tools/metricsd): /metrics in Prometheus text format and the live
# graphs page (web/, with Debian's libjs-dygraphs); docs/monitoring.md.
METRICSD_SRCS = dom0-tools/metricsd/prom.c dom0-tools/metricsd/history.c \
	dom0-tools/metricsd/http.c
METRICSD_HDRS = dom0-tools/metricsd/prom.h dom0-tools/metricsd/history.h \
	dom0-tools/metricsd/http.h
EXTRA_DIST += $(METRICSD_SRCS) $(METRICSD_HDRS) dom0-tools/metricsd/metricsd.c \
	dom0-tools/metricsd/web/index.html dom0-tools/metricsd/web/monitor.js docs/monitoring.md
aarch64/bin/tern-metricsd: $(TOOLS_A64_DEPS) $(addprefix $(srcdir)/,$(METRICSD_SRCS) \
		$(METRICSD_HDRS) dom0-tools/metricsd/metricsd.c)
	@mkdir -p $(@D)
	$(AM_V_CCLD)$(AARCH64_PROGRAM_LINK) $(TOOLS_A64_FLAGS) -o $@ \
		$(addprefix $(srcdir)/,$(METRICSD_SRCS) dom0-tools/metricsd/metricsd.c) \
		$(TOOLS_A64_COMMON) $(AARCH64_LIBFDT) $(AARCH64_LIBZ) -lpthread
AARCH64_OUTPUTS += aarch64/bin/tern-metricsd
check_PROGRAMS += tests/unit/dom0-tools/check_metricsd
TESTS += tests/unit/dom0-tools/check_metricsd
tests_unit_dom0_tools_check_metricsd_SOURCES = tests/unit/dom0-tools/check_metricsd.c \
	$(METRICSD_SRCS) $(METRICSD_HDRS) dom0-tools/top/stats.c
tests_unit_dom0_tools_check_metricsd_CPPFLAGS = -I$(srcdir)/dom0-tools/metricsd
tests_unit_dom0_tools_check_metricsd_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -D_GNU_SOURCE
tests_unit_dom0_tools_check_metricsd_LDADD = $(CHECK_LIBS)
# tern top against Debian's xentop, /metrics from the host, the page in headless chromium
# (on Tern, one boot, about 1 min).
TESTS += tests/system/monitor-tern.py
EXTRA_DIST += tests/system/monitor-tern.py
