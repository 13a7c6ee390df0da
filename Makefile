# vh: the two commands a user needs, and a few more for developers.
#   make demo    install what is missing, build, boot the demo scenario live
#   make check   install what is missing, build, run every test
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build check demo bench clean

all: build

deps:
	@sh scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

check: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

demo: build
	@sh scripts/demo.sh $(BUILD)

# make bench [QUICK=1]: measure vh (QEMU -icount), write docs/benchmarks.md (~10 min; QUICK=1: ~1 min)
bench: build
	@python3 tests/bench/run.py --build $(BUILD) $(if $(QUICK),--quick)

clean:
	rm -rf $(BUILD)
