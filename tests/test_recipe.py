"""Tests of explainer.training.recipe: one Recipe type, flags derived from it, the shipped recipes."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields, replace

import pytest

from explainer.training import fig6_experiment, trainer
from explainer.training.artifacts import DEFAULT_CARD, RESULTS_PATH
from explainer.training.recipe import (
    FIG6_RECIPE,
    LIVE_RECIPE,
    RESNET18_RECIPE,
    SCHEDULES,
    WARMUP_COSINE,
    Recipe,
    add_recipe_flags,
    recipe_from_args,
)

ALL = tuple(f.name for f in fields(Recipe))


def _parser(defaults: Recipe, names: tuple[str, ...] = ALL) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    add_recipe_flags(parser, defaults, names)
    return parser


def test_every_field_has_help() -> None:
    assert all(f.metadata.get("help") for f in fields(Recipe))


@pytest.mark.parametrize("defaults", [RESNET18_RECIPE, FIG6_RECIPE, LIVE_RECIPE])
def test_no_flags_give_the_defaults(defaults: Recipe) -> None:
    args = _parser(defaults).parse_args([])
    assert recipe_from_args(args, defaults, ALL) == defaults


def test_flags_round_trip_every_field() -> None:
    changed = replace(RESNET18_RECIPE, train_subset=500, epochs=3, batch_size=32, lr=0.02, momentum=0.8,
                      nesterov=False, weight_decay=1e-3, decay_norm_and_bias=True, label_smoothing=0.0,
                      schedule=WARMUP_COSINE, warmup_fraction=0.3, warmup_epochs=2.5, crop_padding=0, hflip=False,
                      bf16=False, channels_last=False, input_size=32, low_res_size=16, low_res_epochs=1, seed=7,
                      grad_every=3)
    assert all(getattr(changed, n) != getattr(RESNET18_RECIPE, n) for n in ALL)  # every field is exercised
    argv = []
    for name in ALL:
        flag = "--" + name.replace("_", "-")
        value = getattr(changed, name)
        argv += [flag if value else "--no-" + name.replace("_", "-")] if isinstance(value, bool) else [flag, str(value)]
    assert recipe_from_args(_parser(RESNET18_RECIPE).parse_args(argv), RESNET18_RECIPE, ALL) == changed


def test_flags_take_help_and_choices_from_the_fields() -> None:
    text = _parser(RESNET18_RECIPE, ("lr", "schedule", "bf16")).format_help()
    assert "peak learning rate (default: 0.1)" in text and "--no-bf16" in text
    assert "--epochs" not in text  # only the listed fields
    with pytest.raises(SystemExit):
        _parser(RESNET18_RECIPE, ("schedule",)).parse_args(["--schedule", "step"])
    assert set(SCHEDULES) == {RESNET18_RECIPE.schedule, FIG6_RECIPE.schedule, LIVE_RECIPE.schedule}


def test_the_old_command_lines_keep_their_meaning() -> None:
    recipe, _ = trainer.parse_args(["--epochs", "2", "--batch-size", "4", "--lr", "0.2", "--weight-decay", "0.001",
                                    "--label-smoothing", "0.0", "--seed", "3", "--no-bf16", "--input-size", "32",
                                    "--low-res-epochs", "1", "--low-res-size", "16"])
    assert recipe == replace(RESNET18_RECIPE, epochs=2, batch_size=4, lr=0.2, weight_decay=0.001, label_smoothing=0.0,
                             seed=3, bf16=False, input_size=32, low_res_epochs=1, low_res_size=16)
    recipe, args = fig6_experiment.parse_args(["--train-subset", "64", "--epochs", "2", "--lr", "0.05", "--seed", "1",
                                               "--fp32", "--with-110", "--jobs", "1", "--max-steps", "5"])
    assert recipe == replace(FIG6_RECIPE, train_subset=64, epochs=2, lr=0.05, seed=1, bf16=False)
    assert args.with_110 and args.jobs == 1 and args.max_steps == 5
    assert fig6_experiment.parse_args([])[0] == FIG6_RECIPE and trainer.parse_args([])[0] == RESNET18_RECIPE


def test_record_holds_every_field_and_the_augmentation_in_words() -> None:
    assert set(RESNET18_RECIPE.record()) == {*ALL, "augmentation"}
    assert FIG6_RECIPE.record()["augmentation"] == "none"
    assert FIG6_RECIPE.record()["schedule"] == "linear warm-up, then cosine decay to 0"  # shown by the app
    assert "crops" in RESNET18_RECIPE.augmentation and "flips" in RESNET18_RECIPE.augmentation


@pytest.mark.parametrize(("path", "key", "recipe"), [(DEFAULT_CARD, None, RESNET18_RECIPE),
                                                     (RESULTS_PATH, "runs", FIG6_RECIPE)])
def test_the_shipped_runs_used_todays_default_recipes(path, key, recipe: Recipe) -> None:
    """The default command reproduces the shipped files: every recorded recipe value is today's default."""
    if not path.is_file():
        pytest.skip(f"{path} not shipped here")
    data = json.loads(path.read_text(encoding="utf-8"))
    for saved in [r["recipe"] for r in data[key]] if key else [data["recipe"]]:
        now = recipe.record()
        assert {k: v for k, v in saved.items()} == {k: now[k] for k in saved}
