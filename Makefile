# Thin wrapper over CMake: the logic lives in CMakeLists.txt and cmake/.
BUILD_DIR := build
JOBS := $(shell nproc 2>/dev/null || echo 2)
PREFIX := /usr/local
# What the goal needs: the Debian package set (cmake/deps.sh) and whether the tests are configured.
# make build builds the product only; run and test raise both for their prerequisites (a
# target-specific value holds for everything that target makes).
PACKAGES = build
TESTS = OFF
run: PACKAGES = run
test: PACKAGES = test
test: TESTS = ON

.PHONY: all deps configure build run test test-sanitize fuzz bench install clean
all: build

deps:  # every package the targets below need, but make fuzz's clang
	@sh cmake/deps.sh test

configure:
	@sh cmake/deps.sh $(PACKAGES)
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=$(TESTS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/sumsq-compare --rounds 6 --threads 1,2 --wait-ms 10 --cpu-rows threads@0 --workloads sum,wait,jobs,array,tree \
	  --orders descending,random --schedules openmp:static,openmp:dynamic,tbb:auto,tbb:simple,threads:static,threads:dynamic \
	  --job-sizes 3e8 --job-threads 2 --array-sizes 1e8 --array-threads 2 --array-rounds 2 --tree-sizes 1e8 --cutoffs 1e3,1e4,1e5,1e6 \
	  --simd 1e9 --out results

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-sanitize:
	@sh cmake/deps.sh test
	sh cmake/sanitize.sh

fuzz:
	@sh cmake/deps.sh fuzz
	sh tests/fuzz/run.sh

bench: build
	sh cmake/bench.sh $(BUILD_DIR)/bin

# make install PREFIX=/opt/sumsq [DESTDIR=/staging]: bin/ sumsq-compare, sumsq-bandwidth;
# libexec/sumsq/ the backends; share/doc/sumsq/ README.md and docs/.
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD_DIR) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz build-dev results
