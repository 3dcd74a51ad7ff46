# Everyday commands; each one goes through haven.py or the project's own environment.
PY := .venv/bin/python

.PHONY: run test lint format typecheck migrations check-migrations ci setup

setup:
	python3 haven.py setup

run:
	python3 haven.py run

test:
	python3 haven.py test

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: setup
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

typecheck: setup
	.venv/bin/mypy .

migrations: setup
	$(PY) manage.py makemigrations

check-migrations: setup
	$(PY) manage.py makemigrations --check --dry-run

ci:
	bash .ci/run
