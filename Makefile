# The commands people type. `make` starts the kit; `make test` is the kit's self-check and CI's command.
# Learners: make, make check N=1, make watch N=1, make hint N=1, make solution N=1,
#           make run N=1 ARGS='Hello', make reset N=1 (README.md explains each).
.PHONY: start kit check watch hint solution run reset test test-engine

N ?=
ARGS ?=
KIT = .build/debug/kit

start: kit
	@$(KIT) start

# The runner depends on no exercise, so it builds (and reports) even when an exercise does not compile.
kit:
	@swift build --product kit --quiet

check: kit
	@$(KIT) check $(N)

watch: kit
	@$(KIT) watch $(N)

hint: kit
	@$(KIT) hint $(N)

solution: kit
	@$(KIT) solution $(N)

run: kit
	@$(KIT) run $(N) $(ARGS)

reset: kit
	@$(KIT) reset $(N)

# Engine tests, every graded suite on the solutions (passes) and on the committed stubs (fails).
test: kit
	@$(KIT) selfcheck

test-engine:
	swift build --build-tests
	swift test --skip 'Exercise[0-9]Tests'
