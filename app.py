"""ResNet Explainer — run ``python app.py`` and open http://127.0.0.1:7860.

Binds to 127.0.0.1 unless GRADIO_SERVER_NAME says otherwise (0.0.0.0 for a classroom LAN); the port
comes from GRADIO_SERVER_PORT (default 7860). No public share link is created.
"""

from explainer import runtime
from explainer.ui.gradio_patches import apply_gradio_patches
from explainer.ui.launch import launch_kwargs
from explainer.ui.page import build_demo, warm_up
from explainer.ui.queues import configure_queue

runtime.configure_libraries()  # Pillow limits, CJK plot font: every process-wide setting in explainer/runtime.py
apply_gradio_patches()  # atomic cache writes, refusals in the user's language (explainer/ui/gradio_patches.py)
demo = build_demo()

if __name__ == "__main__":
    runtime.configure_process()  # torch threads, malloc arenas (measured: explainer/runtime.py)
    configure_queue(demo)  # bounded, heavy events limited per session (explainer/ui/queues.py)
    demo.launch(prevent_thread_lock=True, **launch_kwargs())
    warm_up()  # every tab's default results, computed once while the page is already being served
    demo.block_thread()
