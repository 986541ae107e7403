"""Keep credentials out of logs and the result: URL user-info and the values of credential variables."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
# Variables whose values are secrets wherever they show up (git's own output, a command's log, an error message).
SECRET_VARS = ("GIT_PASSWORD", "GIT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN")
SECRET_FILE_VARS = ("GIT_PASSWORD_FILE",)
# The agents' API keys: the agent's command gets them, the test command never does, no log shows them.
AGENT_KEY_VARS = (
    "ANTHROPIC_API_KEY",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "OPENAI_API_KEY",
    "CODEX_API_KEY",
    "GEMINI_API_KEY",
    "OPENROUTER_API_KEY",
    "DEEPSEEK_API_KEY",
)
# User-info after a scheme: `https://user:token@`. The pattern starts at the `://` (a literal the engine finds in
# linear time) and the scheme is checked by looking back from it: a pattern that begins with the scheme backtracks
# over every long run of scheme characters (80 KB of them took 3.8 s; a 1 MB line, minutes).
_USERINFO = re.compile(r"://[^/@\s]+@")
_USERINFO_END = re.compile(r"[/@\s]")
_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")
_MIN_SECRET = 3  # masking every "a" in a log would make it unreadable and protect nothing


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """`https://user:token@host/x` -> (`https://host/x`, user, token); other URLs come back unchanged."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc or parts.scheme in ("ssh", "git+ssh"):
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=host)), user or None, password or None


def secrets_from_env(environ: Mapping[str, str]) -> list[str]:
    found = [environ[v] for v in (*SECRET_VARS, *AGENT_KEY_VARS) if environ.get(v)]
    for var in SECRET_FILE_VARS:
        path = environ.get(var)
        if path and Path(path).is_file():
            found.append(Path(path).read_text().strip())
    return found


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: list[str] = []
        self.add(*secrets)

    @classmethod
    def for_run(cls, repo_url: str, environ: Mapping[str, str] | None = None) -> Redactor:
        environ = os.environ if environ is None else environ
        _, _, password = split_credentials(repo_url)
        return cls([password, *secrets_from_env(environ)])

    def add(self, *secrets: str | None) -> None:
        for s in secrets:
            if s and len(s) >= _MIN_SECRET and s not in self._secrets:
                self._secrets.append(s)
                escaped = json.dumps(s)[1:-1]  # the same secret inside a JSON string
                if escaped != s:
                    self._secrets.append(escaped)
        # Longest first, so a secret that contains another is masked whole.
        self._secrets.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        text = _USERINFO.sub(_mask_userinfo, text)
        for s in self._secrets:
            text = text.replace(s, MASK)
        return text

    def cut(self, text: str) -> str:
        """A line cut short: redacted, and what may be the start of a secret or of URL user-info at its end masked,
        since the rest that would have made it recognizable is not logged."""
        text = self(text)
        for s in self._secrets:
            start = next((len(text) - k for k in range(len(s) - 1, 0, -1) if text.endswith(s[:k])), None)
            if start is not None:
                text = text[:start] + MASK
        scheme_end = text.rfind("://")
        if scheme_end >= 0 and not _USERINFO_END.search(text, scheme_end + 3):
            text = text[: scheme_end + 3] + MASK
        return text


def _mask_userinfo(m: re.Match[str]) -> str:
    """`://user:token@` -> `://***@` when a scheme (a letter, then letters, digits, `+.-`) ends right before it.

    The look back stops at the first character that cannot be in a scheme, and `:` is not one, so the runs looked at
    before two matches never overlap: linear in the text."""
    text, i = m.string, m.start()
    has_letter = False
    while i > 0 and text[i - 1] in _SCHEME_CHARS:
        i -= 1
        has_letter = has_letter or (text[i].isascii() and text[i].isalpha())
    return "://" + MASK + "@" if has_letter else m.group(0)
