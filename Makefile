# GTScope: the commands the README gives. Each one installs what a fresh Debian 12 lacks.
JOBS ?= $(shell nproc)
CTEST_ARGS ?=
XVFB := xvfb-run -a -s "-screen 0 1600x1000x24"

.PHONY: all deps deps-dev build run test test-asan fuzz bench clean bench-models bench-node-level

all: build

deps:
	@packaging/install-deps.sh

deps-dev:
	@packaging/install-deps.sh --dev

build: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

# Starts the application on its embedded demo.
run: build
	./build/release/app/gtscope

test: build
	cd build/release && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-asan: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan-rdkit.supp:print_suppressions=0 \
		ctest --output-on-failure -j $(JOBS) -L core

# Builds every libFuzzer target and runs each for FUZZ_SECONDS on the committed seeds.
FUZZ_SECONDS ?= 60
fuzz: deps-dev
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	tests/fuzz/run-all.sh build/fuzz $(FUZZ_SECONDS)

bench: build
	./build/release/tests/bench/gts_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

clean:
	rm -rf build

# Side-by-side throughput of the CPU engine and the PyTorch reference on GraphGPT-sized models
# (tests/bench/README.md); extra options via BENCH_MODELS_ARGS, e.g. "--only a --repeat 3".
BENCH_MODELS_ARGS ?=
bench-models: build
	/usr/bin/python3 tests/bench/side_by_side.py --cli build/release/app/gtscope-cli \
		--threads $(JOBS) --json build/bench-models/results.json $(BENCH_MODELS_ARGS)

# The same for the node-level families (Graph Transformer, GraphGPS) against their references
# (tests/bench/README.md); extra options via BENCH_NODE_LEVEL_ARGS, e.g. "--only c --repeat 3".
BENCH_NODE_LEVEL_ARGS ?=
bench-node-level: build
	/usr/bin/python3 tests/bench/node_level.py --cli build/release/app/gtscope-cli \
		--threads $(JOBS) --json build/bench-node-level/results.json $(BENCH_NODE_LEVEL_ARGS)

# The Debian package (packaging/Packaging.cmake): build/release/gtscope_<version>_amd64.deb.
.PHONY: package
package: build
	cd build/release && cpack -G DEB
