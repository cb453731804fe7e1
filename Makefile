# The README's commands. `make test` is what CI runs.
.PHONY: setup demo run test build schemas deploy-check clean

setup:
	./scripts/setup.sh

# The whole product in a few minutes: dev broker, four workers, a simulated store (issue 7).
demo: setup
	swift build --product postpurchase
	swift build
	"$$(swift build --show-bin-path)/postpurchase" demo $(DEMO_ARGS)

run:
	./scripts/dev-cluster.sh

build: setup
	swift build --build-tests

schemas:
	python3 Config/schemas/check.py

deploy-check:
	python3 deploy/check.py

test: build schemas deploy-check
	# A hung test fails the run after an hour instead of stalling CI.
	timeout 60m swift test

clean:
	rm -rf .build .run
