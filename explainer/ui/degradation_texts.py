"""The Degradation tab's fixed texts: section headings and their explanations, table headers, menu labels.

Message ids (``N_``): the tab shows them translated (``T``/``tr``); their Chinese is in
``explainer/locales/zh_CN/degradation_messages.py``.
"""

from __future__ import annotations

from explainer.i18n import N_

GRAD_HEADERS = [N_("layer"), N_("plain"), N_("residual")]
BLOCK_HEADERS = [N_("block output"), N_("plain ‖∂L/∂h‖"), N_("residual ‖∂L/∂h‖")]
# The third column when the pre-activation ResNet is measured too.
PREACT_HEADER = N_("pre-activation")
PREACT_BLOCK_HEADER = N_("pre-activation ‖∂L/∂h‖")
PREACT_LABEL = N_("also the pre-activation ResNet (He et al. 2016)")
PREACT_INFO = N_("Adds a third net: the residual net's very convs, with BN-ReLU moved in front of each conv and "
                 "nothing after the add.")
HIGHWAY_HEADERS = [N_("block"), N_("shortcut"), N_("‖shortcut term‖"), N_("‖branch term‖"), N_("‖∂L/∂x‖"),
                   N_("shortcut share")]
LESION_HEADERS = [N_("model"), N_("deleted block"), N_("kind"), N_("accuracy %"), N_("drop (points)")]
SUMMARY_HEADERS = [N_("net"), N_("final train error % (eval, whole subset)"), N_("last-epoch running train error %"),
                   N_("final test error %"), N_("wall time s")]


# What the init menu shows: never equal to a value (Gradio's frontend translates any string equal to a key,
# choice values too, and the handler would receive the translation).
INIT_LABELS = {"PyTorch default": N_("PyTorch default (Kaiming-uniform, a = √5)"), "Kaiming": N_("Kaiming (He) normal"),
               "Xavier": N_("Xavier (Glorot) normal")}

UNKNOWN_INIT = N_("Unknown initialization {name}: choose one of {choices}.")
# Values the results file records in English words (explainer.training.recipe), shown translated.
RECORDED_WORDS = (N_("linear warm-up, then cosine decay to 0"), N_("none"))

INTRO = N_("### Why can't we just stack more plain layers? (退化问题)\n"
           "He et al. (2015) found that a deeper **plain** net (普通网络) reaches a *higher training error* than a "
           "shallower one -- not overfitting, an optimization failure -- and that adding shortcuts (快捷连接) fixes "
           "it. Each section below measures one piece of the explanation on real networks and real Fashion-MNIST "
           "images.")

SECTIONS = {
    "grad": N_("## 1. Gradient norms at initialization\n"
               "One backward pass on 64 real images through Plain-n and its residual twin (same weights, only the "
               "`out = out + identity` line differs). Vanishing / exploding gradients (梯度消失 / 梯度爆炸) show up "
               "as slopes on this log plot. Try: BN off + PyTorch default at depth 56; BN on at depth 110; BN off + "
               "Kaiming at 110."),
    "curves": N_("## 2. Real training curves (He et al. Fig. 6 on Fashion-MNIST)\n"
                 "Four nets trained once each with one shared recipe; the numbers are the recorded ones, nothing is "
                 "recomputed here. Look at the **training** error (训练误差): if the deeper plain net is worse on the "
                 "data it was trained on, the cause cannot be overfitting -- it is harder to optimize."),
    "live": N_("## 3. Train them yourself (live)\n"
               "Plain and residual nets of the same depth train side by side, one step each in turn (batch 64, SGD + "
               "momentum, BN, warm-up). The status line shows the elapsed time as it goes, and the run ends with what "
               "its numbers show."),
    "shattered": N_("## 4. Shattered gradients (Balduzzi et al. 2017)\n"
                    "Move an input image a little at a time toward another image and record how one output's "
                    "gradient changes. Balduzzi et al. found that in deep plain nets neighbouring inputs get "
                    "unrelated gradients (white noise) while in residual nets they stay correlated (brown noise); a "
                    "gradient that looks like noise is a poor guide for learning. The reading below says what this "
                    "sweep shows at the chosen depth."),
    "highway": N_("## 5. The \"gradient highway\" (a metaphor)\n"
                  "In a residual block y = relu(z) with z = x + F(x), so ∂L/∂x = ∂L/∂z + (∂F/∂x)ᵀ∂L/∂z: part of the "
                  "gradient skips the branch's convolutions -- though not the block's final ReLU, which ∂L/∂z has "
                  "already passed. Here both terms are computed separately with autograd for every block of the "
                  "residual net (at initialization, BN on) and compared."),
    "lesion": N_("## 6. Lesion study (Veit et al. 2016)\n"
                 "Delete one block at a time from *trained* nets and re-measure accuracy on 2000 test images. In a "
                 "residual net the block's shortcut survives; a plain block has nothing to fall back on. Veit et al. "
                 "found residual nets robust to such deletions and plain nets not; the reading below says what these "
                 "nets do. Downsampling blocks keep their shortcut (hatched bars)."),
}
