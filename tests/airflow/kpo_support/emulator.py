"""kmock's Kubernetes API emulator, taught the part of a cluster that the pod operator depends on beyond CRUD.

kmock 0.8 stores, lists, watches, patches and deletes objects, but it runs nothing: a pod stays as it was posted,
with no status. It also ignores `labelSelector`, has no `log` or `exec` subresource and no websocket support (its
responses are JSON, bytes or chunked streams). `PodEmulator` adds, with kmock's own extension points:

- label selectors on lists (`a=b`, `a!=b`, `a`, `!a`), which the provider's pod search depends on;
- a kubelet stand-in: a created pod goes straight to `Running` with the runner container terminated (exit code from
  the result the test scripted) and the xcom sidecar running;
- the `log` subresource (the runner's log lines);
- the `exec` subresource over a websocket speaking `v4.channel.k8s.io`, which the provider uses to read
  `/airflow/xcom/return.json` from the sidecar and then to stop it; stopping it ends the pod (`Succeeded`/`Failed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import aiohttp.web
import attrs
import kmock

SIDECAR = "airflow-xcom-sidecar"
RESULT_PATH = "/airflow/xcom/return.json"
_STDOUT, _ERROR = 1, 3
_PODS = kmock.resource("", "v1", "pods")

# The runner's result JSON and log for a posted pod manifest.
Script = Callable[[dict[str, Any]], tuple[dict[str, Any], str]]


def _now() -> str:
    return datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def selector_matches(selector: str, labels: dict[str, str]) -> bool:
    """The equality-based label selector syntax the provider emits."""
    for term in filter(None, (t.strip() for t in selector.split(","))):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key) == value:
                return False
        elif "=" in term:
            key, value = term.split("=", 1)
            if labels.get(key.rstrip("=")) != value:
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


def _container_env(pod: dict[str, Any], container: str = "base") -> dict[str, str]:
    for c in pod["spec"]["containers"]:
        if c["name"] == container:
            return {e["name"]: e.get("value", "") for e in c.get("env") or []}
    raise KeyError(container)


@attrs.define(kw_only=True)
class PodEmulator(kmock.KubernetesEmulator):
    script: Script
    results: dict[tuple[str, str], dict[str, Any]] = attrs.field(factory=dict, init=False)
    logs: dict[tuple[str, str], str] = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        # Listed before any object exists (the provider's search for a pod to reattach to, pod events).
        self.resources["v1/pods"] = {}
        self.resources["v1/events"] = {}

    @property
    def requests(self) -> list[kmock.Request]:
        return list(self._requests)

    async def _handle(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        if request.resource == _PODS and request.subresource == "exec":
            return await self._serve_exec(request)
        if request.resource == _PODS and request.subresource == "log":
            lines = self.logs.get((request.namespace or "", request.name or ""), "").splitlines()
            stamped = request.params.get("timestamps", "").lower() == "true"
            text = "".join(f"{_now()} {line}\n" if stamped else f"{line}\n" for line in lines)
            return aiohttp.web.Response(text=text, content_type="text/plain")
        response = await super()._handle(request)
        if request.resource == _PODS and request.action == kmock.action.CREATE and response.status < 300:
            await self._start(request.namespace or request.data["metadata"]["namespace"], request.data)
        return response

    async def _serve_list(self, request: kmock.Request) -> Any:
        listing = await super()._serve_list(request)
        selector = request.params.get("labelSelector")
        if selector:
            listing["items"] = [
                item
                for item in listing["items"]
                if selector_matches(selector, item.get("metadata", {}).get("labels") or {})
            ]
        return listing

    async def _start(self, namespace: str, pod: dict[str, Any]) -> None:
        name = pod["metadata"]["name"]
        result, log = self.script(pod)
        self.results[namespace, name] = result
        self.logs[namespace, name] = log
        now = _now()
        exit_code = 0 if result.get("status") == "succeeded" else 1
        await self._set_status(
            namespace,
            name,
            {
                "phase": "Running",
                "startTime": now,
                "conditions": [{"type": "PodScheduled", "status": "True"}],
                "containerStatuses": [
                    {
                        "name": "base",
                        "image": "",
                        "imageID": "",
                        "ready": False,
                        "restartCount": 0,
                        "state": {
                            "terminated": {
                                "exitCode": exit_code,
                                "reason": "Completed" if exit_code == 0 else "Error",
                                "startedAt": now,
                                "finishedAt": now,
                            }
                        },
                    },
                    {
                        "name": SIDECAR,
                        "image": "",
                        "imageID": "",
                        "ready": True,
                        "restartCount": 0,
                        "state": {"running": {"startedAt": now}},
                    },
                ],
            },
        )

    async def _set_status(self, namespace: str, name: str, status: dict[str, Any]) -> None:
        key = (_PODS, namespace, name)
        async with self._lock:
            self._objects[key].patch({"status": status})
            await self._buses[_PODS].put({"type": "MODIFIED", "object": self._objects[key].raw})

    async def _stop_sidecar(self, namespace: str, name: str) -> None:
        pod = self._objects[_PODS, namespace, name].raw
        statuses = pod["status"]["containerStatuses"]
        base = next(s for s in statuses if s["name"] == "base")
        sidecar = {
            "name": SIDECAR,
            "image": "",
            "imageID": "",
            "ready": False,
            "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed", "finishedAt": _now()}},
        }
        failed = base["state"]["terminated"]["exitCode"] != 0
        await self._set_status(
            namespace,
            name,
            {"phase": "Failed" if failed else "Succeeded", "containerStatuses": [base, sidecar]},
        )

    async def _serve_exec(self, request: kmock.Request) -> aiohttp.web.StreamResponse:
        raw = request._raw_request
        assert raw is not None
        namespace, name = request.namespace or "", request.name or ""
        command = raw.query.getall("command", [])
        interactive = raw.query.get("stdin", "").lower() == "true"
        reads_result = command[:2] == ["/bin/sh", "-c"] and RESULT_PATH in command[-1]
        if raw.query.get("container") != SIDECAR or not (interactive or reads_result):
            raise kmock.KubernetesError(status=400, message=f"unexpected exec {dict(raw.query)}")
        ws = aiohttp.web.WebSocketResponse(protocols=("v4.channel.k8s.io",))
        await ws.prepare(raw)  # type: ignore[arg-type]
        if interactive:
            # The provider writes its kill command on stdin; the sidecar's `trap "exit 0" INT` ends it cleanly.
            async for message in ws:
                data = message.data if isinstance(message.data, bytes) else str(message.data).encode()
                if b"kill" in data[1:]:
                    await self._stop_sidecar(namespace, name)
                    break
        else:
            body = json.dumps(self.results[namespace, name]).encode()
            await ws.send_bytes(bytes([_STDOUT]) + body)
            await ws.send_bytes(bytes([_ERROR]) + json.dumps({"metadata": {}, "status": "Success"}).encode())
        await ws.close()
        return ws


def kubeconfig(server: str) -> str:
    """A kubeconfig pointing at the emulator; the token is never checked."""
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "emulator", "cluster": {"server": server}}],
            "users": [{"name": "emulator", "user": {"token": "unused"}}],
            "contexts": [{"name": "emulator", "context": {"cluster": "emulator", "user": "emulator"}}],
            "current-context": "emulator",
        }
    )


@contextlib.contextmanager
def serve(script: Script) -> Iterator[tuple[PodEmulator, str]]:
    """Run the emulator on its own thread and event loop: Airflow's task runner needs the main thread (signals)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="pod-emulator", daemon=True)
    thread.start()
    emulator = PodEmulator(script=script)
    server = kmock.Server(emulator)

    async def start() -> str:
        await emulator.__aenter__()
        await server.__aenter__()
        return str(server.url).rstrip("/")

    async def stop() -> None:
        await server.__aexit__(None, None, None)
        await emulator.__aexit__(None, None, None)

    url = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield emulator, url
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()
