# bpf/: kernel side of the live backend (netsift trace). Built only with
# HAVE_LIVE; every output goes to the build directory (VPATH builds).
#   vmlinux.h       generated from the running kernel's BTF (CO-RE)
#   netsift.bpf.o   clang -target bpf
#   netsift.skel.h  bpftool gen skeleton of the linked (DWARF-free) object
EXTRA_DIST += bpf/netsift.bpf.c bpf/netsift.h

if HAVE_LIVE
BPF_CFLAGS = -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_TARGET_ARCH) -Wall -Werror

bpf/vmlinux.h:
	@$(MKDIR_P) bpf
	$(AM_V_GEN)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

bpf/netsift.bpf.o: $(srcdir)/bpf/netsift.bpf.c $(srcdir)/bpf/netsift.h bpf/vmlinux.h
	@$(MKDIR_P) bpf
	$(AM_V_CC)$(CLANG) $(BPF_CFLAGS) -I$(builddir)/bpf -I$(srcdir)/bpf \
		-c $(srcdir)/bpf/netsift.bpf.c -o $@

# "gen object" links the object and drops its DWARF, which would otherwise be
# embedded in the skeleton (2 MB instead of 130 kB).
bpf/netsift.skel.h: bpf/netsift.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen object bpf/netsift.lk.o bpf/netsift.bpf.o && \
		$(BPFTOOL) gen skeleton bpf/netsift.lk.o name netsift_bpf > $@.tmp && \
		mv $@.tmp $@

BUILT_SOURCES += bpf/netsift.skel.h
# explicit too, for `make netsift` (BUILT_SOURCES only covers all/check)
src/netsift-live_bpf.$(OBJEXT): bpf/netsift.skel.h
CLEANFILES += bpf/vmlinux.h bpf/netsift.bpf.o bpf/netsift.lk.o bpf/netsift.skel.h
endif
