# tutor — set-up, build, test. `make demo` and `make test` work on a fresh Debian machine.
SHELL := /bin/bash
DEBS := libnifti-dev libnifti2-dev libopenblas-dev libncursesw5-dev libsqlite3-dev zlib1g-dev tmux
# One configuration for the product and the tests, so `make test` builds once.
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
TUTOR := .build/release/tutor

PYMODS := numpy scipy nibabel onnx onnxruntime safetensors

.PHONY: deps pydeps build test demo bench clean

# Install the Debian packages the build and the tests need, when any is missing.
deps:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$([ $$(id -u) -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Python is only the independent reference in tests and benchmarks (onnxruntime, nibabel + scipy);
# the product never needs it. Tests that need it skip when it cannot be installed.
pydeps:
	@python3 -c "import numpy, scipy, nibabel, onnx, onnxruntime, safetensors" 2>/dev/null || \
	  python3 -m pip install -q $(PYMODS) || echo "python reference tools unavailable: their tests will skip"

build: deps
	swift build $(SWIFT_FLAGS) --product tutor

# Unit, parity and gradient tests (XCTest), then the end-to-end scripts against the release binary;
# the last line sums them up as "N passed, N failed, N skipped".
test: build pydeps
	@set -o pipefail; swift test $(SWIFT_FLAGS) --disable-swift-testing 2>&1 | tee .build/unit-tests.log
	@e2e=0; for t in Tests/e2e/*.sh; do [ -f "$$t" ] || continue; echo "== $$t"; bash "$$t" $(TUTOR) || exit 1; e2e=$$((e2e + 1)); done; \
	line=$$(grep -E "Executed [0-9]+ tests?, with" .build/unit-tests.log | tail -1); \
	n=$$(echo "$$line" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/'); \
	skipped=$$(echo "$$line" | grep -oE '[0-9]+ tests? skipped' | grep -oE '^[0-9]+' || echo 0); \
	failed=$$(echo "$$line" | grep -oE '[0-9]+ failures?' | grep -oE '^[0-9]+'); \
	echo "$$((n - skipped - failed + e2e)) passed, $$failed failed, $$skipped skipped"

demo: build
	$(TUTOR) demo

clean:
	rm -rf .build
