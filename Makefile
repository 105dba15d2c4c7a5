# The commands people type. `make` starts the kit; `make test` is the kit's self-check and CI's command.
# Learners: make, make check N=1, make watch N=1, make hint N=1 [ALL=1], make solution N=1,
#           make run N=1 ARGS='Hello', make reset N=1 (README.md explains each).
.PHONY: start kit check watch hint solution run reset doctor test test-engine openssl-dev

N ?=
ARGS ?=
# `make hint N=4` shows one more hint each time; ALL=1 shows them all at once.
ALL ?=
KIT = .build/debug/kit
# SwiftPM 6.3.1 leaves empty TemporaryDirectory.* folders in TMPDIR on every build, six for a build
# with nothing to do: the runner's build gets a temporary folder of its own, removed afterwards (as
# the kit does for the builds and test runs it starts).
BUILD_KIT = tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/kit-build-XXXXXX") || exit 1; \
  TMPDIR="$$tmp" swift build --product kit --quiet; status=$$?; rm -rf "$$tmp"; exit $$status

# The learner's commands print their own verdict (a failing check, a pipeline's exit code), so they
# end with `|| true`: make's "*** Error 1" would read as if the kit itself had broken. `make test`
# keeps the real exit code, which CI relies on. N is passed even when empty (the kit then takes the
# next exercise), so that `make run ARGS='Hello'` does not read Hello as the exercise's number.
start: kit
	@$(KIT) start || true

# The runner depends on no exercise, so it builds (and reports) even when an exercise does not compile.
# It builds Plumb and the exercises for `make check`, so OpenSSL's headers come first.
kit: openssl-dev
	@test -x $(KIT) || echo "Building the kit's runner first (the first time only, a few seconds)…"
	@$(BUILD_KIT)

check: kit
	@$(KIT) check "$(N)" || true

watch: kit
	@$(KIT) watch "$(N)" || true

hint: kit
	@$(KIT) hint "$(N)" $(if $(ALL),--all) || true

solution: kit
	@$(KIT) solution "$(N)" || true

run: kit
	@$(KIT) run "$(N)" $(ARGS) || true

reset: kit
	@$(KIT) reset "$(N)" || true

# `make doctor`: what the kit needs beyond the exercises (Swift, python3 with venv, PyPI, OpenSSL's
# headers, loopback ports, disk), each with what a missing piece blocks. Its exit code is CI's too.
# It builds only the runner, which needs none of them.
doctor:
	@$(BUILD_KIT)
	@$(KIT) doctor

# Engine tests, every graded suite on the solutions (passes) and on the committed stubs (fails).
# The engine's luigid tests run a real luigid, so the test needs the venv `make luigid-venv` installs.
test: kit cron-fixture luigid-venv s3-venv postgres
	@$(KIT) selfcheck
	@$(MAKE) --no-print-directory release-smoke
	@$(MAKE) --no-print-directory editor-check
	@$(MAKE) --no-print-directory docs

# `make docs`: Plumb's DocC catalogue, built into .build/docs with every warning an error (a
# broken link, a symbol renamed under its documentation). Plumb is ten modules that `Plumb`
# re-exports, so the symbols are extracted for `Plumb` with the re-exported modules let in.
PLUMB_LAYERS = PlumbCore,PlumbNetwork,PlumbReporting,PlumbWorkers,PlumbLuigid,PlumbBuild,PlumbSchedules,PlumbObjectStores,PlumbPostgres,PlumbCommandLine
.PHONY: docs
docs: openssl-dev
	swift build --target Plumb
	@rm -rf .build/symbol-graphs && mkdir -p .build/symbol-graphs
	swift-symbolgraph-extract -module-name Plumb -I "$$(swift build --show-bin-path)/Modules" -I Sources/COpenSSL \
	  -target "$$(uname -m)-unknown-linux-gnu" -minimum-access-level public -output-dir .build/symbol-graphs \
	  -experimental-allowed-reexported-modules=$(PLUMB_LAYERS)
	docc convert Sources/Plumb/Plumb.docc --additional-symbol-graph-dir .build/symbol-graphs \
	  --output-path .build/docs --warnings-as-errors

# `make editor-check`: what the README promises of an editor with Swift support. It opens an
# exercise file in sourcekit-lsp (the toolchain's language server, which VS Code's Swift extension
# and other editors run) as an editor does, and checks that a compile error is shown and that
# `Producer().` completes with output(). About 30 s the first time (the server prepares Plumb's module).
.PHONY: editor-check
editor-check: openssl-dev
	@python3 Tests/EditorCheck/editor_check.py .

# `make release-smoke`: every feature of Plumb once (async, dynamic requirements, a range, a
# schedule, retries, --force, a webhook, luigid, S3, PostgreSQL) in a release build, which the
# debug suite cannot stand for: the optimizer has turned working code into a crash before.
.PHONY: release-smoke
release-smoke: openssl-dev luigid-venv s3-venv postgres
	@echo "Release smoke: building Plumb in release (about 2 minutes the first time)…"
	@swift build -c release --product plumb-release-smoke --quiet
	@"$$(swift build -c release --show-bin-path)/plumb-release-smoke" > .build/release-smoke.log 2>&1; \
	  status=$$?; \
	  grep -E "(passed|failed) \(|error:" .build/release-smoke.log; tail -n 1 .build/release-smoke.log; \
	  if [ $$status -ne 0 ]; then echo "Release smoke failed (exit $$status); the whole log: .build/release-smoke.log"; fi; \
	  exit $$status

# Every Python package the tests install is pinned, with its dependencies, in .ci/requirements/
# (pip freeze of a venv that passed): an upstream release must not change what make test checks
# (croniter 6 and 7 differ on real rows). Changing a file there rebuilds its venv.
#
# The cron fixture the engine's tests compare Plumb's cron with holds croniter's answers (the cron
# implementation Airflow uses). This installs croniter into .build-cron/venv, writes the fixture
# again and fails if it changed; without PyPI it says so and leaves the committed fixture be.
CRON_VENV := .build-cron/venv
CRON_FIXTURE := Tests/Fixtures/cron/cron-next.tsv
PIP_INSTALL = bin/pip install --quiet --disable-pip-version-check -r
.PHONY: cron-fixture
cron-fixture:
	@mkdir -p .build-cron
	@$(MAKE) -s --no-print-directory $(CRON_VENV)/.installed \
	  || echo "make cron-fixture: could not install croniter; the committed $(CRON_FIXTURE) is used as it is"
	@if $(CRON_VENV)/bin/python -c 'import croniter' 2>/dev/null; then \
	  $(CRON_VENV)/bin/python Tests/Fixtures/cron/make_cron_fixture.py > .build-cron/cron-next.tsv \
	  && cmp -s .build-cron/cron-next.tsv $(CRON_FIXTURE) \
	  && echo "cron fixture: croniter $$($(CRON_VENV)/bin/pip show croniter | sed -n 's/^Version: //p') agrees with $(CRON_FIXTURE)" \
	  || { echo "cron fixture: $(CRON_FIXTURE) differs from croniter's answers; copy .build-cron/cron-next.tsv over it and check git diff"; exit 1; }; \
	fi

$(CRON_VENV)/.installed: .ci/requirements/cron.txt
	@rm -rf $(CRON_VENV)
	@python3 -m venv $(CRON_VENV) && $(CRON_VENV)/$(PIP_INSTALL) $<
	@touch $@

test-engine: openssl-dev
	swift build --build-tests
	swift test --skip 'Exercise[0-9]Tests'

# `make luigid`: Luigi's central scheduler on http://127.0.0.1:8082 in the foreground (Ctrl-C stops
# it), with its state and log under .build-luigi; pipelines use it with --scheduler-host 127.0.0.1.
# `make luigid-venv` only installs Luigi into the venv (once; the engine's tests and make bench use it).
# The stamp file is written after pip succeeds, so an interrupted install is retried.
LUIGI_VENV := .build-luigi/venv
LUIGI_PACKAGE := luigi==3.8.1
LUIGID_PORT ?= 8082

.PHONY: luigid luigid-venv
luigid-venv: $(LUIGI_VENV)/.installed

$(LUIGI_VENV)/.installed: .ci/requirements/luigi.txt
	@echo "Installing $(LUIGI_PACKAGE) into $(LUIGI_VENV) (once, about 20 s)…"
	@rm -rf $(LUIGI_VENV)
	python3 -m venv $(LUIGI_VENV)
	$(LUIGI_VENV)/$(PIP_INSTALL) $<
	@touch $@

# `make s3-venv`: moto_server, an S3-compatible server in Python, into .build-s3/venv; the engine's
# S3 tests and exercise 6's suite start it on a free loopback port. Stamped after pip succeeds.
S3_VENV := .build-s3/venv
S3_PACKAGE := moto[server]==5.2.5

.PHONY: s3-venv
s3-venv: $(S3_VENV)/.installed

$(S3_VENV)/.installed: .ci/requirements/s3.txt
	@echo "Installing $(S3_PACKAGE) into $(S3_VENV) (once, about 45 s)…"
	@rm -rf $(S3_VENV)
	python3 -m venv $(S3_VENV)
	$(S3_VENV)/$(PIP_INSTALL) $<
	@touch $@

# `make openssl-dev`: Debian's OpenSSL headers (apt-get install -y libssl-dev, with sudo unless root)
# when /usr/include/openssl/ssl.h is missing. Plumb links the system's OpenSSL (Sources/COpenSSL) for
# PostgreSQL over TLS, so every target that builds Plumb depends on this one.
OPENSSL_DEBIAN := libssl-dev
openssl-dev:
	@test -f /usr/include/openssl/ssl.h || { \
	  echo "Installing OpenSSL's headers with apt-get (once)…"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(OPENSSL_DEBIAN) >/dev/null; }
	@test -f /usr/include/openssl/ssl.h

# `make postgres`: Debian's PostgreSQL server binaries (apt-get install -y postgresql-15, with sudo
# unless root) when /usr/lib/postgresql/<version>/bin/initdb is missing, and psycopg2-binary in
# Luigi's venv; the engine's PostgreSQL tests start a throw-away cluster of their own.
PSYCOPG2_PACKAGE := psycopg2-binary==2.9.13
# The major version is pinned; Debian's point releases within it are security fixes, and the
# mirror keeps only the newest.
POSTGRES_DEBIAN := postgresql-15
.PHONY: postgres
postgres: luigid-venv $(LUIGI_VENV)/.psycopg2
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing PostgreSQL with apt-get (once)…"; \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(POSTGRES_DEBIAN) >/dev/null; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null

$(LUIGI_VENV)/.psycopg2: $(LUIGI_VENV)/.installed .ci/requirements/psycopg2.txt
	$(LUIGI_VENV)/$(PIP_INSTALL) .ci/requirements/psycopg2.txt
	@touch $@

luigid: luigid-venv
	@mkdir -p .build-luigi/log
	@echo "luigid on http://localhost:$(LUIGID_PORT) (state and log in .build-luigi; Ctrl-C stops it)"
	$(LUIGI_VENV)/bin/luigid --address 127.0.0.1 --port $(LUIGID_PORT) \
	  --logdir .build-luigi/log --state-path .build-luigi/state.pickle

# `make bench`: Plumb's scheduling speed in release mode beside the C floor (Benchmarks/atomic_floor.c:
# the same files written atomically by a plain C loop), then the same 1,000-task fan-in with Luigi
# (from the venv make luigid-venv installs, when pip can reach PyPI) and with make. The files go to
# a memory-backed folder when there is one, so the figures show the engines rather than the disk;
# `make bench BENCH_DIR=/tmp` measures on disk.
BENCH_VENV := $(LUIGI_VENV)
BENCH_LUIGI := $(LUIGI_PACKAGE)
BENCH_DIR ?= $(if $(wildcard /dev/shm/.),/dev/shm,/tmp)

# `make fuzz`: random and mutated input for every parser of user text (parameter values, the config
# file, whole command lines) in release mode, checking for crashes, inputs over 100 ms, messages over
# several lines and values that do not read back. FUZZ_SECONDS bounds the whole run; FUZZ_COUNT, if
# given, caps the inputs per parser; FUZZ_SEED repeats a run.
FUZZ_SECONDS ?= 60
FUZZ_COUNT ?=
FUZZ_SEED ?=

.PHONY: fuzz
fuzz: openssl-dev
	swift build -c release --product plumb-fuzz
	"$$(swift build -c release --show-bin-path)/plumb-fuzz" --seconds $(FUZZ_SECONDS) \
	  $(if $(FUZZ_COUNT),--count $(FUZZ_COUNT)) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

.PHONY: bench
bench: openssl-dev
	swift build -c release --product plumb-bench
	@mkdir -p .build-bench
	@$(MAKE) --no-print-directory luigid-venv \
	  || echo "make bench: could not install $(BENCH_LUIGI); Luigi is left out of the comparison"
	@cc -O2 -o .build-bench/atomic-floor Benchmarks/atomic_floor.c \
	  || echo "make bench: no C compiler; the C floor is left out of the comparison"
	"$$(swift build -c release --show-bin-path)/plumb-bench" \
	  --folder $(BENCH_DIR) --luigi-python $(BENCH_VENV)/bin/python --luigi-script Benchmarks/luigi_fan_in.py \
	  --floor .build-bench/atomic-floor
	@$(MAKE) --no-print-directory bench-million
	@$(MAKE) --no-print-directory bench-postgres

# `make bench-luigid`: only the table of make bench that runs the 1,000-task fan-in through a fresh
# luigid, by Plumb and by Luigi, at 1, 2 and 4 workers, against the time luigid spent serving it.
.PHONY: bench-luigid
bench-luigid: openssl-dev
	swift build -c release --product plumb-bench
	@$(MAKE) --no-print-directory luigid-venv
	"$$(swift build -c release --show-bin-path)/plumb-bench" --only luigid \
	  --folder $(BENCH_DIR) --luigi-python $(BENCH_VENV)/bin/python --luigi-script Benchmarks/luigi_fan_in.py

# `make bench-million` (part of make bench): a fan-in of 100,000 and of 1,000,000 tasks, each in a
# process of its own, with the time and the peak memory a task costs: linear growth shows as the
# same bytes a task at both sizes.
.PHONY: bench-million
bench-million: openssl-dev
	swift build -c release --product plumb-bench
	@for size in 100000 1000000; do \
	  "$$(swift build -c release --show-bin-path)/plumb-bench" --folder $(BENCH_DIR) --fan-in-memory $$size || exit 1; \
	done

# `make bench-postgres` (part of make bench): BENCH_ROWS rows copied into a throw-away cluster by a
# Plumb CopyToTable task run by build(), by psql's \copy and by psycopg2's copy_expert (from
# Luigi's venv, pinned in .ci/requirements/psycopg2.txt), best of BENCH_REPEATS runs each.
BENCH_ROWS ?= 1000000
BENCH_REPEATS ?= 5
.PHONY: bench-postgres
bench-postgres: openssl-dev
	swift build -c release --product plumb-stores-bench
	@$(MAKE) --no-print-directory postgres \
	  || echo "make bench: could not install PostgreSQL or psycopg2; what is missing is left out"
	"$$(swift build -c release --show-bin-path)/plumb-stores-bench" postgres-compare $(BENCH_ROWS) $(BENCH_REPEATS) \
	  $(BENCH_DIR) $(LUIGI_VENV)/bin/python Benchmarks/psycopg2_copy.py
