"""The Degradation lab: why deeper plain nets train worse, one module per experiment (gradient norms,
shattered gradients, the gradient highway, training curves, the live run, the lesion study)."""
