# mentorbridge: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# The engine's C kernels, built into one library (by pip here, by build-MatchingFunction for Lambda).
KERNELS := $(sort $(wildcard mentorship/matching/*.c))

.PHONY: demo test lint unit integration template-tests bench-smoke clean sam-validate sam-build sam-venv

$(STAMP): pyproject.toml $(KERNELS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## sandbox BambooHR + moto + template wiring: the whole story, end to end
	$(BIN)/python -m sandbox.demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint sam-validate  ## lint, sam validate --lint, type-check, then every test (unit, template, integration) and benchmark smoke runs
	$(BIN)/python -m pytest -n 2 --dist loadgroup

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

clean:
	rm -rf $(VENV) build .aws-sam .pytest_cache .mypy_cache .ruff_cache
	find mentorship -name "*.so" -delete

template-tests: $(STAMP) sam-venv  ## the template's checks: cfn-lint, SAM transform, least privilege, wiring, packaging
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests/template tests/integration/test_local_stack_*.py

# ---------------------------------------------------------------- SAM: validate and build
# aws-sam-cli pins many dependencies of its own, so it lives in its own virtualenv.
SAM_VENV    ?= .venv-sam
SAM_VERSION ?= 1.170.0
SAM_STAMP   := $(SAM_VENV)/.installed-$(SAM_VERSION)
SAM_ENV     := AWS_DEFAULT_REGION=us-east-1 SAM_CLI_TELEMETRY=0

$(SAM_STAMP):
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet 'aws-sam-cli==$(SAM_VERSION)'
	touch $(SAM_STAMP)

sam-venv: $(SAM_STAMP)  ## the SAM CLI and translator (template tests expand the template with it)

sam-validate: $(SAM_STAMP)  ## SAM transform + cfn-lint on template.yaml, offline (no AWS credentials needed)
	$(SAM_ENV) $(SAM_VENV)/bin/sam validate --lint --template-file template.yaml

sam-build: $(SAM_STAMP)  ## package every function into .aws-sam/build (uses the build-<LogicalId> targets below)
	$(SAM_ENV) $(SAM_VENV)/bin/sam build --build-in-source --template-file template.yaml

# `sam build` runs `make build-<LogicalId>` with ARTIFACTS_DIR set (Metadata: BuildMethod: makefile).
# Each function gets only the packages it imports plus its own requirements.txt, built as wheels for
# the Lambda runtime (python3.12, arm64); boto3 is already in the runtime.
LAMBDA_PLATFORMS ?= manylinux2014_aarch64 manylinux_2_28_aarch64
LAMBDA_PYTHON    ?= 3.12
# pip for the build: the project's virtualenv when there is one (a bare python3 may lack pip).
BUILD_PYTHON     ?= $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))

define package_function
	mkdir -p $(ARTIFACTS_DIR)/functions
	cp functions/__init__.py $(ARTIFACTS_DIR)/functions/
	cp -R functions/shared functions/$(1) $(ARTIFACTS_DIR)/functions/
	cp -R $(2) $(ARTIFACTS_DIR)/
	rm -f $(ARTIFACTS_DIR)/functions/$(1)/requirements.txt
	$(BUILD_PYTHON) -m pip install --quiet --disable-pip-version-check --no-compile \
	  $(addprefix --platform ,$(LAMBDA_PLATFORMS)) --implementation cp --python-version $(LAMBDA_PYTHON) \
	  --only-binary=:all: --target $(ARTIFACTS_DIR) -r functions/$(1)/requirements.txt
	rm -rf $(ARTIFACTS_DIR)/bin $(ARTIFACTS_DIR)/boto3 $(ARTIFACTS_DIR)/boto3-* \
	  $(ARTIFACTS_DIR)/botocore $(ARTIFACTS_DIR)/botocore-* $(ARTIFACTS_DIR)/s3transfer $(ARTIFACTS_DIR)/s3transfer-*
	find $(ARTIFACTS_DIR) -depth -name __pycache__ -type d -exec rm -rf {} +
endef

build-WebhookIngestFunction:
	$(call package_function,webhook_ingest,mentorship connectors infra)

build-SyncWorkerFunction:
	$(call package_function,sync_worker,mentorship connectors infra)

# The engine's kernels (mentorship/matching/*.c) are plain C, one library loaded with ctypes.
# It is cross-compiled for the Lambda's arm64 with zig, a C toolchain installed from PyPI, so the
# build needs neither a container nor a cross compiler on the host (Linux or macOS alike).
# Building for this machine instead (as tests/template does): LAMBDA_CC=cc.
ZIG_VENV   ?= .venv-zig
ZIG_STAMP  := $(ZIG_VENV)/.installed-stamp
LAMBDA_CC  ?= $(ZIG_VENV)/bin/python -m ziglang cc -target aarch64-linux-gnu.2.17

$(ZIG_STAMP):
	$(PYTHON) -m venv $(ZIG_VENV)
	$(ZIG_VENV)/bin/pip install --quiet 'ziglang==0.17.1'
	touch $(ZIG_STAMP)

build-MatchingFunction: $(if $(findstring ziglang,$(LAMBDA_CC)),$(ZIG_STAMP))
	$(call package_function,matching,mentorship infra)
	# The kernels built for this machine by `pip install -e .` must not ship; the Lambda's own replace them.
	find $(ARTIFACTS_DIR)/mentorship -name '*.so' -delete
	$(LAMBDA_CC) -O3 -ffp-contract=off -s -shared -fPIC -pthread -o $(ARTIFACTS_DIR)/mentorship/matching/_kernels.so $(KERNELS)
	# numpy ships its own test suite, never imported at run time.
	find $(ARTIFACTS_DIR)/numpy -depth -type d -name tests -exec rm -rf {} +

build-WriteBackFunction:
	$(call package_function,write_back,mentorship connectors infra)

build-AdminApiFunction:
	$(call package_function,admin_api,mentorship infra)
