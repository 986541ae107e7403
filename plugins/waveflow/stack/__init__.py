"""Airflow's own components on one machine (api-server, scheduler, dag-processor, triggerer): `make run` and the
end-to-end tests start them the same way."""
