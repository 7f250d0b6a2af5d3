# Thin wrapper over CMake: the logic lives in CMakeLists.txt and cmake/.
BUILD_DIR := build
JOBS := $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build run test bench clean
all: build

deps:
	@sh cmake/deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bin/sumsq-compare --out results

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

bench: build
	sh cmake/bench.sh $(BUILD_DIR)/bin

clean:
	rm -rf $(BUILD_DIR) results
