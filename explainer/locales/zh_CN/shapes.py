"""简体中文: messages of the shapes area (see explainer/locales/zh_CN/__init__.py for the terms)."""

MESSAGES: dict[str, str] = {
}
