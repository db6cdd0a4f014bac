"""Translation catalogues, one package per language (see ``explainer.i18n``)."""
