"""The Lesson: D2L's ResNet section walked step by step (its steps, predict-then-reveal questions whose
answers are computed, and the nested-function-classes experiment)."""
