"""Residual networks and their relatives in torchvision's vocabulary: blocks, ResNets, D2L's other CNNs, the
preset registry. Pure model code: plain ValueErrors, no translation, no UI limits."""
