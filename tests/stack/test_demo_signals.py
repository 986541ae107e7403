"""`make run` stops its Airflow components on Ctrl-C (or SIGTERM); a second one must not cut that stop short."""

from __future__ import annotations

import signal

import pytest

from waveflow.stack.demo import _stop_on_signals


@pytest.fixture
def restored_handlers():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.parametrize("first", [signal.SIGINT, signal.SIGTERM])
def test_the_first_signal_stops_and_later_ones_are_ignored(first, restored_handlers):
    _stop_on_signals()
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(first)
    # While the components stop: neither signal interrupts any more.
    signal.raise_signal(signal.SIGINT)
    signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
