"""The one plan model every reader produces and every consumer reads.

No Airflow here: the DAG factory, the runner and the CLI all depend on this module, never the reverse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

DEFAULT_TEST_COMMAND = ["make", "test"]
DEFAULT_SCHEDULE = "0 2 * * *"


class _Strict(BaseModel):
    # Unknown keys in a hand-written YAML plan are almost always typos; reject them.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PortRange(_Strict):
    start: int = Field(ge=1, le=65535, strict=True)  # `true` or "80" is a typo, not a port
    end: int = Field(ge=1, le=65535, strict=True)

    @model_validator(mode="after")
    def _ordered(self) -> PortRange:
        if self.end < self.start:
            raise ValueError(f"port range end {self.end} is below its start {self.start}")
        return self

    def overlaps(self, other: PortRange) -> bool:
        return self.start <= other.end and other.start <= self.end


class Duration(_Strict):
    """A planned duration such as the seed's `4-6 hours`."""

    min_hours: float = Field(ge=0)
    max_hours: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Duration:
        if self.max_hours < self.min_hours:
            raise ValueError("max_hours is below min_hours")
        return self


class Resources(_Strict):
    cpu: str | None = None
    memory: str | None = None
    cpu_limit: str | None = None
    memory_limit: str | None = None


class Commands(_Strict):
    implement: list[str] | None = None
    test: list[str] = Field(default_factory=lambda: list(DEFAULT_TEST_COMMAND))


# What an agent's argv may hold, filled per effort and iteration (argv elements only: no shell ever reads them).
AGENT_PLACEHOLDERS = ("brief_file", "feedback_file", "agent_dir", "iteration", "effort_id", "branch", "worktree")
# The agent CLIs the runner knows: their default argv and how to read what they cost (runner/agents/).
AGENT_ADAPTERS = ("claude-code", "codex", "aider")


class AgentProfile(_Strict):
    """How one agent does an effort: the command it runs per iteration, and the limits of its loop."""

    command: list[str] | None = Field(
        default=None,
        description="argv run once per iteration, with placeholders {brief_file}, {feedback_file}, {agent_dir}, "
        "{iteration}, {effort_id}, {branch}, {worktree}; default: the adapter's own",
    )
    adapter: Literal["claude-code", "codex", "aider"] | None = Field(
        default=None, description="the agent CLI, for its default argv and its cost output; default: from argv[0]"
    )
    model: str | None = Field(default=None, description="the adapter's `--model`, when the command is the adapter's")
    max_iterations: int = Field(default=3, ge=1, le=20)
    env: dict[str, str] = Field(default_factory=dict, description="environment of the agent's command (no secrets)")
    timeout_minutes: int | None = Field(default=None, gt=0, description="per iteration")
    max_cost_usd: float | None = Field(default=None, gt=0, description="stop before an iteration would exceed it")
    image: str | None = Field(default=None, description="the pod image that has this agent's CLI")


class Effort(_Strict):
    id: str
    name: str
    wave: int
    branch: str | None = None
    worktree: str | None = Field(default=None, description="worktree directory, relative to the workspace")
    lines: int | None = Field(default=None, ge=0, description="estimated lines of change")
    agent: str | None = None
    depends_on: list[str] = Field(default_factory=list)
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict, description="labels of the effort's namespace")
    ports: PortRange | None = None
    image: str | None = None
    commands: Commands = Field(default_factory=Commands)
    resources: Resources | None = None
    timeout_minutes: int | None = Field(default=None, gt=0)
    retries: int | None = Field(default=None, ge=0)
    brief: str = Field(default="", description="what the effort is to do, in markdown: the agent reads it")
    acceptance: list[str] = Field(default_factory=list, description="criteria the finished work must meet")
    exclusive: bool = Field(
        default=False,
        description="its tests run with no other effort's step on the same machine: for benchmarks, whose samples "
        "mean nothing while other efforts load the same cores",
    )


class Wave(_Strict):
    number: int = Field(ge=0)
    label: str | None = Field(
        default=None, description="the document's own number for the wave when it is not a whole one (`1.1`)"
    )
    name: str = ""
    duration: Duration | None = None
    agents: int | None = Field(default=None, ge=0)
    total_lines: int | None = Field(default=None, ge=0)


class Gate(_Strict):
    metric: str
    target: str = ""
    measurement: str = ""
    required: bool = Field(default=False, description="fail the gate when no effort reports the metric")
    evaluator: str | None = Field(default=None, description="custom evaluator as module:function")


class Defaults(_Strict):
    image: str = "waveflow-runner:latest"
    commands: Commands = Field(default_factory=Commands)
    resources: Resources = Field(default_factory=lambda: Resources(cpu="500m", memory="512Mi"))
    timeout_minutes: int | None = Field(default=None, gt=0)
    retries: int = Field(default=2, ge=0, description="for transient failures only: fetch, push, a lost pod")
    agent: str | None = Field(default=None, description="the profile of `agents` efforts use unless they name one")


class Isolation(_Strict):
    namespaces: bool = True
    ports: bool = True


class WaveGate(_Strict):
    """How Wave N+1 waits for Wave N: branches pushed with a passing result, or also merged into the base ref."""

    mode: Literal["pushed", "merged"] = "pushed"
    timeout_minutes: int = Field(default=60, gt=0)
    poke_interval_seconds: int = Field(default=30, gt=0)
    checkpoint: bool = Field(default=False, description="ask a person to approve before the next wave starts")


INTEGRATION_ID = "integration-wave-"


def integration_id(wave: int) -> str:
    """What a wave's integration is called where efforts have their ids (runner inputs, notes, logs)."""
    return f"{INTEGRATION_ID}{wave}"


class Integration(_Strict):
    """Where a wave's efforts meet before review: after each wave, its effort branches are merged (in dependency
    order) into the wave's integration branch, `<branch>-wave-<N>`, which starts from the previous wave's; the merged
    tree is tested, and `<branch>` follows the latest wave's integration."""

    branch: str | None = Field(default=None, description="default: waveflow/<plan>/integration")
    test: list[str] | None = Field(default=None, description="argv run on the merged tree; default: the plan's test")
    start_next_wave_from: Literal["integration", "base"] = Field(
        default="integration", description="where the next wave's efforts start: this wave's integration, or base_ref"
    )
    resolve_conflicts: Literal["fail", "agent", "person"] = Field(
        default="fail",
        description="fail: the wave's integration fails, naming each file and the efforts that touch it; agent: the "
        "later effort's agent profile resolves the conflict, and the merged tree is tested; person: the integration "
        "branch is pushed as far as it merged, an approval task shows the conflict, and once someone has pushed a "
        "resolution and approved, the integration goes on from there",
    )


class Review(_Strict):
    """Pull requests for review, opened (or updated) through the forge's API when the run's gates have been judged:
    one per effort (head: its branch; base: where it started), or one per wave (head: the wave's integration
    branch; base: the base ref). Draft while a gate fails, ready for review once they all pass."""

    per: Literal["effort", "wave"] = "effort"
    repository: str = Field(description="owner/name of the repository on the forge (GitHub)")
    conn_id: str = Field(default="github_default", description="the Airflow GitHub connection: its token, its host")
    dry_run: bool = Field(default=False, description="write each pull request's title and body as a file instead")


class Plan(_Strict):
    name: str
    title: str = ""
    repo: str | None = Field(default=None, description="git URL of the repository the efforts change")
    base_ref: str = "main"
    backend: Literal["kubernetes", "local"] = "kubernetes"
    schedule: str | None = DEFAULT_SCHEDULE
    max_parallel_agents: int | None = Field(default=None, gt=0)
    git_secret: str = Field(default="waveflow-git", description="Kubernetes Secret holding git credentials")
    follows: str | None = Field(default=None, description="name of the phase plan this one builds on")
    schedule_on_previous: bool = Field(
        default=False,
        description="also start a run when the plan named in `follows` has landed (a run of it passed its gates); "
        "with `schedule: null`, only then",
    )
    defaults: Defaults = Field(default_factory=Defaults)
    isolation: Isolation = Field(default_factory=Isolation)
    wave_gate: WaveGate = Field(default_factory=WaveGate)
    waves: list[Wave] = Field(default_factory=list)
    efforts: list[Effort] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)
    agents: dict[str, AgentProfile] = Field(default_factory=dict, description="agent profiles by name")
    integration: Integration | None = Field(default=None, description="merge and test each wave's efforts together")
    review: Review | None = Field(default=None, description="open a pull request per effort or per wave")

    # Where each part was read from, for `path:line` messages; never serialized.
    _source: Source = PrivateAttr(default_factory=lambda: Source())
    _positions: dict[str, int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _previous_named(self) -> Plan:
        if self.schedule_on_previous and not self.follows:
            raise ValueError("schedule_on_previous needs `follows`: the plan whose landing starts this one")
        if self.review and self.review.per == "wave" and not self.integration:
            raise ValueError("review per wave needs `integration`: a wave's pull request is its integration branch")
        return self

    @property
    def source(self) -> Source:
        return self._source

    def wave_efforts(self, number: int) -> list[Effort]:
        return [e for e in self.efforts if e.wave == number]

    def efforts_by_wave(self) -> dict[int, list[Effort]]:
        """Each wave number that has efforts, with them in document order: one pass, where a loop over the waves
        calling `wave_efforts` makes one per wave."""
        by_wave: dict[int, list[Effort]] = {}
        for e in self.efforts:
            by_wave.setdefault(e.wave, []).append(e)
        return by_wave

    def effort(self, effort_id: str) -> Effort:
        # Looked up per dependency while a DAG is built: an index, re-made whenever the efforts changed under it.
        position = self._positions.get(effort_id)
        if position is None or position >= len(self.efforts) or self.efforts[position].id != effort_id:
            self._positions = {}
            for i, e in enumerate(self.efforts):
                self._positions.setdefault(e.id, i)  # with duplicate ids (an invalid plan), the first one
            position = self._positions.get(effort_id)
            if position is None:
                raise KeyError(effort_id)
        return self.efforts[position]

    def branch_of(self, effort: Effort) -> str:
        """The effort's branch; plans that name none (task lists) get one derived from plan and id."""
        return effort.branch or f"waveflow/{self.name}/{slug(effort.id)}"

    def integration_branch(self, wave: int | None = None) -> str:
        """The phase's integration branch, or one wave's (`<branch>-wave-<N>`)."""
        branch = (self.integration.branch if self.integration else None) or f"waveflow/{self.name}/integration"
        return branch if wave is None else f"{branch}-wave-{wave}"

    def integration_jobs(self) -> list[Effort]:
        """Each wave's integration as the effort-like job the runner runs (in a pod of its own on the kubernetes
        backend, in the plan's namespace); none without `integration`."""
        if self.integration is None:
            return []
        waves = sorted(w.number for w in self.waves if self.wave_efforts(w.number))
        return [
            Effort(id=integration_id(n), name=f"Wave {n} integration", wave=n, branch=self.integration_branch(n))
            for n in waves
        ]

    def start_ref(self, effort: Effort) -> str | None:
        """Where the effort starts when it is not the run's base ref: the previous wave's integration branch."""
        if self.integration is None or self.integration.start_next_wave_from != "integration":
            return None
        earlier = [w.number for w in self.waves if w.number < effort.wave]
        return self.integration_branch(max(earlier)) if earlier else None

    def profile_of(self, effort: Effort) -> tuple[str, AgentProfile] | None:
        """The agent profile that does the effort: the one its `agent` names, else the plan's default one."""
        for name in (effort.agent, self.defaults.agent):
            if name and name in self.agents:
                return name, self.agents[name]
        return None

    @property
    def parallel_agents(self) -> int:
        """How many efforts may run at once: the plan's own figure, else the widest wave."""
        if self.max_parallel_agents:
            return self.max_parallel_agents
        widest = max((len(self.wave_efforts(w.number)) for w in self.waves), default=1)
        return max(widest, 1)


@dataclass
class Source:
    """Locations (`key -> line`) and reader warnings of one plan file.

    A plain dataclass: what it holds is the readers' own bookkeeping, and a model would copy and check every one of a
    large plan's ~10^4 locations again.
    """

    path: str = "<plan>"
    locations: dict[str, int] = field(default_factory=dict)
    # `efforts[10.2.1]` -> `efforts/3`: lets a reader record positional keys once and still answer semantic ones.
    aliases: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (location key, message)

    def line(self, *keys: str) -> int | None:
        """The line of the first key found, falling back to each key's parents (`a/b/c` -> `a/b` -> `a`)."""
        for key in keys:
            k = self._resolve(key)
            while k:
                if k in self.locations:
                    return self.locations[k]
                k = k.rpartition("/")[0]
        return None

    def _resolve(self, key: str) -> str:
        if not self.aliases or "[" not in key:
            return key
        # Ids may hold `]` themselves (`efforts[a]b]`): try every `]` as the end of the aliased head.
        end = key.find("]")
        while end != -1:
            head = self.aliases.get(key[: end + 1])
            if head is not None:
                return head + key[end + 1 :]
            end = key.find("]", end + 1)
        return key


_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_TASK_ID = re.compile(r"[^A-Za-z0-9_]+")


def slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-") or "x"


def task_id(effort_id: str) -> str:
    """The Airflow task id of an effort: `10.2.1` -> `e10_2_1` (kept here so validation can catch collisions)."""
    return "e" + _NOT_TASK_ID.sub("_", effort_id).strip("_").lower()


def effort_key(effort_id: str) -> str:
    # Location keys nest with `/` (`efforts[10.2.1]/depends_on`) because ids contain dots.
    return f"efforts[{effort_id}]"


def wave_key(number: int) -> str:
    return f"waves[{number}]"


def gate_key(index: int) -> str:
    return f"gates[{index}]"


def plan_schema() -> dict[str, object]:
    """The JSON Schema editors use to complete and check YAML plans (include/schema/plan.schema.json)."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Waveflow wave plan"
    return schema
