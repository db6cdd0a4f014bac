"""简体中文: messages of the common area (see explainer/locales/zh_CN/__init__.py for the terms)."""

MESSAGES: dict[str, str] = {
}
