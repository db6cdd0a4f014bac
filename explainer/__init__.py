"""ResNet Explainer: the logic behind the app (no gradio imports outside ``explainer.ui``)."""
