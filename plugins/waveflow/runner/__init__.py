"""The effort runner: what each effort task runs, in a pod or on the worker. No Airflow import; see docs/runner.md."""
