"""Found by Airflow's plugin loader in the plugins folder: the Waveflow reports UI (see waveflow.airflow.ui_plugin)."""

from waveflow.airflow.ui_plugin import WaveflowUIPlugin  # noqa: F401
