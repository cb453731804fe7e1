# The README's commands. `make test` is what CI runs.
.PHONY: setup run test build schemas deploy-check clean

setup:
	./scripts/setup.sh

run:
	./scripts/dev-cluster.sh

build: setup
	swift build --build-tests

schemas:
	python3 Config/schemas/check.py

deploy-check:
	python3 deploy/check.py

test: build schemas deploy-check
	swift test

clean:
	rm -rf .build .run
