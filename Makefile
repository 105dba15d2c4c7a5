# The commands people type. `make test` is the kit's self-check and CI's command.
.PHONY: test test-engine

test: test-engine

test-engine:
	swift build --build-tests
	swift test --skip 'Exercise[0-9]Tests'

# `make bench`: Plumb's scheduling speed in release mode, then the same 1,000-task fan-in with Luigi
# (installed into .build-bench/venv when pip can reach PyPI) and with make. The files go to a
# memory-backed folder when there is one, so the figures show the engines rather than the disk;
# `make bench BENCH_DIR=/tmp` measures on disk.
BENCH_VENV := .build-bench/venv
BENCH_LUIGI := luigi==3.8.1
BENCH_DIR ?= $(if $(wildcard /dev/shm/.),/dev/shm,/tmp)

.PHONY: bench
bench:
	swift build -c release --product plumb-bench
	@mkdir -p .build-bench
	@$(BENCH_VENV)/bin/python -c 'import luigi' 2>/dev/null \
	  || (python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install --quiet $(BENCH_LUIGI)) \
	  || echo "make bench: could not install $(BENCH_LUIGI); Luigi is left out of the comparison"
	"$$(swift build -c release --show-bin-path)/plumb-bench" \
	  --folder $(BENCH_DIR) --luigi-python $(BENCH_VENV)/bin/python --luigi-script Benchmarks/luigi_fan_in.py
