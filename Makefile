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
	# Unit suites in parallel; the suites that run real processes on a compressed clock one at a
	# time, so CPU contention between them cannot shift simulated time. A hung test fails the run
	# after an hour instead of stalling CI. Each run's output is kept under .build/test-logs, and a
	# failing run repeats its failed tests' issues at its end.
	scripts/run-tests.sh .build/test-logs/unit.log 20m --skip IntegrationTests
	scripts/run-tests.sh .build/test-logs/integration.log 40m --skip-build --filter IntegrationTests --no-parallel

clean:
	rm -rf .build .run
