# tutor — set-up, build, test. `make demo` and `make test` work on a fresh Debian machine.
SHELL := /bin/bash
DEBS := libnifti-dev libnifti2-dev libopenblas-dev libncursesw5-dev libsqlite3-dev zlib1g-dev tmux
SWIFT_FLAGS := -c release
TUTOR := .build/release/tutor

.PHONY: deps build test demo bench clean

# Install the Debian packages the build and the tests need, when any is missing.
deps:
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$([ $$(id -u) -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build $(SWIFT_FLAGS) --product tutor

test: build
	swift test $(SWIFT_FLAGS) -Xswiftc -enable-testing
	@for t in Tests/e2e/*.sh; do [ -f "$$t" ] || continue; echo "== $$t"; bash "$$t" $(TUTOR) || exit 1; done

demo: build
	$(TUTOR) demo

clean:
	rm -rf .build
