"""The cold-start yardstick: a bare Gradio app that imports torch and nothing of ours."""

import os

import gradio as gr
import torch

with gr.Blocks() as demo:
    gr.Markdown(f"bare app, torch {torch.__version__}")

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1", server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
