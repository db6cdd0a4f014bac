"""Inside the trained ResNet-18: images in, predictions, feature maps, branch vs shortcut, attributions."""
