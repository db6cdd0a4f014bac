"""A walk through every tab in both languages, as a teacher would check the app before class:
``python scripts/screenshot_walk.py [--present]``.

Starts ``python app.py``, opens it in Debian's Chromium at 1400×1000 in English and in Chinese (the
browser's language), opens every tab, presses each section's main button, waits for the results and
saves a full-page screenshot per tab and language to ``screenshots/walk_<lang>_<tab>.png``. On the Chinese pages it lists every visible text that still reads
as English prose (three or more English words in a row, outside code, formulas and names) -- the strings a
translation missed.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TABS = {
    "en-US": ["Lesson", "Blocks & shapes", "Degradation", "Inside ResNet-18"],
    "zh-CN": ["课程", "残差块与形状", "退化问题", "深入 ResNet-18"],
}
# Buttons pressed per tab (by visible name), in page order; missing ones are skipped.
BUTTONS = {
    "en-US": [["Show it", "Reveal the answer"], ["Show shapes", "Compare A and B"],
              ["Measure gradients", "Sweep", "Split the gradient", "Run the lesion study"],
              ["Compute attributions", "Run sanity check"]],
    "zh-CN": [["展示", "揭晓答案"], ["显示形状", "对比 A 和 B"], ["测量梯度", "扫描", "拆分梯度", "运行损伤研究"],
              ["计算归因", "运行合理性检验"]],
}
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}){2,}\b")
# English that may stay on a Chinese page: names, code, units, the language switch.
ALLOWED = re.compile(r"ResNet|ResNeXt|Plain|Fashion|MNIST|Grad-CAM|Integrated Gradients|SmoothGrad|Saliency|"
                     r"BatchNorm|Conv2d|ReLU|Linear|AdaptiveAvgPool|MaxPool|use_1x1conv|print|torch|import|"
                     r"def |class |self|return|English|Dive into|He et al|Veit|Adebayo|Sundararajan|Yang et al|"
                     r"Kaiming|Xavier|PyTorch|Inception|LeNet|AlexNet|VGG|NiN|GoogLeNet|DenseNet|T-shirt|Trouser|"
                     r"Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot|identity|projection|stride")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--present", action="store_true", help="with presenter mode on (?present=1)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT,
                              env={**__import__("os").environ, "GRADIO_SERVER_PORT": str(port)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    suffix = "_present" if args.present else ""
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for lang, tabs in TABS.items():
                ctx = browser.new_context(locale=lang, viewport={"width": 1400, "height": 1000})
                page = ctx.new_page()
                page.set_default_timeout(300_000)
                for _ in range(300):
                    try:
                        page.goto(f"http://127.0.0.1:{port}/" + ("?present=1" if args.present else ""))
                        break
                    except Exception:  # noqa: BLE001 -- the server is still starting
                        time.sleep(1)
                time.sleep(10)
                for i, tab in enumerate(tabs):
                    page.get_by_role("tab", name=tab, exact=True).click()
                    time.sleep(3)
                    for name in BUTTONS[lang][i]:
                        button = page.get_by_role("button", name=name, exact=True)
                        if button.count() and button.first.is_visible():
                            button.first.click()
                            time.sleep(2)
                    page.wait_for_timeout(15_000)  # heavy sections finish (their status trackers vanish)
                    page.screenshot(path=str(SHOTS / f"walk_{lang[:2]}_{i}{suffix}.png"), full_page=True)
                    if lang == "zh-CN":
                        text = page.locator(".tabitem:visible").first.inner_text()
                        for line in sorted({ln.strip() for ln in text.splitlines() if ln.strip()}):
                            runs = [m.group(0) for m in ENGLISH_RUN.finditer(line) if not ALLOWED.search(m.group(0))]
                            if runs:
                                print(f"UNTRANSLATED {tab}: {line[:160]}")
                    print(f"WALK {lang} {tab}: screenshots/walk_{lang[:2]}_{i}{suffix}.png", flush=True)
                ctx.close()
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
