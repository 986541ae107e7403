"""Airflow's own components on one machine (api-server, scheduler, dag-processor, triggerer, and Celery workers on
the CeleryExecutor): `make run` and the end-to-end tests start them the same way."""
