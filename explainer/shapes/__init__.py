"""What a network does to a tensor: the fx tracer, and the block and network reports built on it."""
