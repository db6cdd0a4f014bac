"""Training and the shipped artifacts: Fashion-MNIST, checkpoints, the trainer, evaluation, samples and
the Fig. 6 experiment."""
