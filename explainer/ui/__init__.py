"""The gradio layer: the only package that imports gradio. Each tab lives in its own module."""
