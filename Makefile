# relorm: PGXS build.  `make && make install`, then `make installcheck` against a
# running server (scripts/test does all of it on a throwaway cluster).

# The source directory: "." in the tree, else the tree of a VPATH build
# (pg_buildext builds the Debian package in build-<version>/).
relorm_src := $(patsubst %/,%,$(dir $(firstword $(MAKEFILE_LIST))))

EXTENSION = relorm
MODULE_big = relorm
OBJS = $(patsubst $(relorm_src)/%.c,%.o,$(sort $(wildcard $(relorm_src)/src/*.c)))
DATA = $(notdir $(sort $(wildcard $(relorm_src)/relorm--*.sql)))
PGFILEDESC = "relorm - relationships inside PostgreSQL"

# Every test is self-contained (its own schema), so the list is the directory.
REGRESS = $(sort $(basename $(notdir $(wildcard $(relorm_src)/sql/*.sql))))
REGRESS_OPTS = --load-extension=relorm
ifneq ($(wildcard $(relorm_src)/specs/*.spec),)
ISOLATION = $(sort $(basename $(notdir $(wildcard $(relorm_src)/specs/*.spec))))
ISOLATION_OPTS = --load-extension=relorm
endif

PG_CPPFLAGS = -I$(relorm_src)/src
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Warnings that PostgreSQL's own headers do not trip; scripts/test adds -Werror.
override CFLAGS += -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers

# A VPATH build writes its objects under src/ of the build directory.
ifneq ($(relorm_src),.)
$(shell mkdir -p src)
endif

# PGXS knows nothing of our headers: rebuild every object when one changes.
$(OBJS): $(wildcard $(relorm_src)/src/*.h)

.PHONY: bench fuzz load citus-check dist
bench:
	$(MAKE) -C bench run

# Concurrent load: pgbench, 16 clients, relorm's mix beside the hand-written one
# (LOAD_SECONDS, LOAD_CLIENTS, SCALE; bench/load/run).
load:
	bench/load/run

# relorm on Citus, against ../shared/citus/cluster.sh's private cluster (scripts/citus-check;
# CITUS_GIT_DIR=<git copy of github.com/citusdata/citus> builds Citus first).
citus-check:
	scripts/citus-check $(CITUS_GIT_DIR)

# The fuzzer on a throwaway cluster: FUZZ_CASES, FUZZ_SECONDS, FUZZ_SEED (scripts/fuzz).
fuzz:
	scripts/fuzz

# A PGXN distribution of the committed tree: relorm-<META.json's version>.zip.
DISTVERSION = $(shell sed -n 's/^ *"version": "\([0-9.]*\)",$$/\1/p' $(relorm_src)/META.json | head -n 1)
dist:
	git -C $(relorm_src) archive --format zip --prefix=relorm-$(DISTVERSION)/ --output $(CURDIR)/relorm-$(DISTVERSION).zip HEAD
