"""Keep a secret out of every message, exception and log line the bot prints."""

from __future__ import annotations

import base64
from urllib.parse import quote

MASK = "***"


class Redactor:
    """Replaces each secret, and the encodings it travels in (Basic auth, URL quoting), with ***."""

    def __init__(self, *secrets: str) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            forms.add(secret)
            forms.add(quote(secret, safe=""))
            for user in ("x-access-token", "oauth2", "git"):
                forms.add(base64.b64encode(f"{user}:{secret}".encode()).decode())
        # Longest first, so a secret that contains another is masked whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, MASK)
        return text
