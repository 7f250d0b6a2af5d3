# Thin wrapper over CMake: the logic lives in CMakeLists.txt and cmake/.
BUILD_DIR := build
JOBS := $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build run test test-sanitize fuzz bench clean
all: build

deps:
	@sh cmake/deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/sumsq-compare --rounds 4 --wait-ms 10 --cpu-rows threads@0 --workloads sum,wait,jobs,array \
	  --orders descending,random --schedules openmp:static,openmp:dynamic,tbb:auto,tbb:simple,threads:static,threads:dynamic \
	  --job-sizes 3e7 --job-threads 2 --array-threads 2 --array-rounds 2 --out results

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

test-sanitize: deps
	sh cmake/sanitize.sh

fuzz:
	@SUMSQ_EXTRA_PACKAGES="clang libclang-rt-14-dev" sh cmake/deps.sh
	sh tests/fuzz/run.sh

bench: build
	sh cmake/bench.sh $(BUILD_DIR)/bin

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz build-dev results
