# HomeGym: `make run` for a lifter, `make test` for a developer, `make bench` for an operator.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/base.txt requirements/dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv redis run test lint format migrate worker beat flower bench backtest clean

$(STAMP): requirements/base.txt requirements/dev.txt
	@echo "==> Python-Umgebung in $(VENV) ..."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> Pakete installieren (requirements/dev.txt; beim ersten Mal einige Minuten) ..."
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@echo "==> Pakete installiert."
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

redis: venv
	@PYTHON=$(BIN)/python scripts/ensure_redis.sh

migrate: venv
	@mkdir -p $${HOMEGYM_VAR_DIR:-var}
	@echo "==> Datenbank migrieren ..."
	$(BIN)/python manage.py migrate --noinput

# Redis first (seed_demo's training takes its per-model lock), then the demo history and its
# models, trained here before the server starts: the first page already shows them.
run: redis migrate
	@echo "==> Demo-Benutzer, simulierte Historie und ihre Modelle (beim ersten Mal bis zu einer Minute) ..."
	$(BIN)/python manage.py seed_demo
	@HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) scripts/run_all.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: redis lint
	@BIN=$(BIN) scripts/ensure_chromium.sh
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Operators running the processes separately. Exactly one beat per installation.
worker: redis
	$(BIN)/celery -A homegym worker -Q ml,default -n worker@%h --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

beat: redis migrate
	$(BIN)/celery -A homegym beat --loglevel=INFO

# Flower reads FLOWER_BASIC_AUTH from the environment (not the command line: ps shows that).
flower: redis
	@test -n "$$FLOWER_BASIC_AUTH" || { echo "FLOWER_BASIC_AUTH=user:passwort setzen" >&2; exit 1; }
	$(BIN)/celery -A homegym flower --address=127.0.0.1 --port=$${FLOWER_PORT:-5555}

bench: redis migrate
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
