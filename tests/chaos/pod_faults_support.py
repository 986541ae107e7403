"""The Kubernetes API emulator of the pod backend's tests, taught two faults: a pod that keeps running until the test
deletes it, and a result file that is missing or not JSON when the operator reads it from the xcom sidecar."""

from __future__ import annotations

import json
import os
from typing import Any

import aiohttp.web
import attrs
import kmock
from kpo_support import emulator
from kpo_support.render import env_of

_STDOUT, _ERROR = 1, 3


@attrs.define(kw_only=True)
class FaultyPodEmulator(emulator.PodEmulator):
    running: set[str] = attrs.field(factory=set, init=False)  # efforts whose next pod runs until deleted
    unreadable: dict[str, bytes] = attrs.field(factory=dict, init=False)  # effort -> what `cat return.json` prints

    async def _start(self, namespace: str, pod: dict[str, Any]) -> None:
        effort = env_of(pod)["WAVEFLOW_EFFORT"]
        if effort not in self.running:
            await super()._start(namespace, pod)
            return
        self.running.discard(effort)
        now = emulator._now()
        running = {"running": {"startedAt": now}}
        statuses = [
            {"name": name, "image": "", "imageID": "", "ready": True, "restartCount": 0, "state": running}
            for name in ("base", emulator.SIDECAR)
        ]
        await self._set_status(
            namespace, pod["metadata"]["name"], {"phase": "Running", "startTime": now, "containerStatuses": statuses}
        )

    async def _serve_exec(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        raw = request._raw_request
        assert raw is not None
        pod = self._objects[emulator._PODS, request.namespace or "", request.name or ""].raw
        effort = env_of(pod)["WAVEFLOW_EFFORT"]
        reads_result = emulator.RESULT_PATH in (raw.query.getall("command", []) or [""])[-1]
        if effort not in self.unreadable or not reads_result:
            return await super()._serve_exec(request)
        ws = aiohttp.web.WebSocketResponse(protocols=("v4.channel.k8s.io",))
        await ws.prepare(raw)
        if self.unreadable[effort]:
            await ws.send_bytes(bytes([_STDOUT]) + self.unreadable[effort])
        await ws.send_bytes(bytes([_ERROR]) + json.dumps({"metadata": {}, "status": "Success"}).encode())
        await ws.close()
        return ws


def sync_to_db(dag: Any) -> None:
    """`dag.test()` creates runs only for DAGs in the database: write this one there as the DAG processor would."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

    DagBundlesManager().sync_bundles_to_db()
    bag = DagBag(dag_folder=os.devnull)
    bag.bag_dag(dag)
    sync_bag_to_db(bag, "dags-folder", None)
